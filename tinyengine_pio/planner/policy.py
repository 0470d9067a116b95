"""The memory policy: one kernel variant per operator, chosen with the arena plan.

Operators offer `MemoryOption`s (ir.py): a default, optionally a "wide" one (TE_FAST int16
columns: faster, more scratch) and a "fallback" (less scratch, slower; im2col's implicit GEMM or
direct loops). The policy plans with the defaults, falls back where an op's scratch sits on the
arena's peak and the fallback shrinks the arena by at least 10%, then widens every op it can
(else those off the peak) as long as the arena does not grow. The planner's pins may also pick a
variant (the in-place depthwise) through their Access option.

Graph-level helpers live here too: tensor lifetimes and the overlap candidates (Pins) that the
operators' access patterns prove safe.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..ir import Graph, MemoryOption, Operator
from . import Plan, plan
from .buffers import Buffer, Pin
from .overlap import best_delta, hazard_free

OptionsOf = Callable[[Operator], list]     # op -> [MemoryOption], default first
AccessOf = Callable[[Operator], list]      # op -> [overlap.Access] under its current option


@dataclass
class GraphPlan:
    plan: Plan
    offsets: dict[int, int]                        # storage tensor -> arena offset
    lifetimes: dict[int, tuple[int, int]]


def lifetimes(g: Graph) -> dict[int, tuple[int, int]]:
    """Half-open [first write, last read + 1) per storage tensor. Graph inputs live from step 0;
    graph outputs to n + 1, past the last operator (n steps), so that no operator's write, not
    even the last one's (an output it reads may die there), is placed over an output. A fused
    stage (g.stages) runs its steps interleaved, row by row: every tensor it touches lives
    across all of its steps."""
    n = len(g.operators)
    life: dict[int, list[int]] = {}
    span = {step: (st.first, st.last) for st in g.stages for step in st.steps}

    def touch(i: int, step: int) -> None:
        s = g.storage(i)
        if g.t(s).is_const or g.t(s).is_variable:    # weights; state lives outside the arena
            return
        lo, hi = span.get(step, (step, step))
        lo_hi = life.setdefault(s, [lo, hi + 1])
        lo_hi[0] = min(lo_hi[0], lo)
        lo_hi[1] = max(lo_hi[1], hi + 1)

    for i in g.inputs:
        touch(i, 0)
    for step, op in enumerate(g.operators):
        for i in op.inputs + op.outputs:
            if i >= 0:
                touch(i, step)
    for o in g.outputs:
        touch(o, n)
    return {k: (v[0], v[1]) for k, v in life.items()}


def buffer_bytes(g: Graph) -> dict[int, int]:
    """Arena bytes per storage tensor: its size, or its line buffer's inside a stage."""
    sizes = {}
    for st in g.stages:
        for t, ring in st.rings.items():
            sizes[t] = ring.nbytes
    return sizes


def stage_pins(g: Graph, life: dict[int, tuple[int, int]], alignment: int) -> list[Pin]:
    """A stage writes its sink row by row while it reads its sources row by row: where a source
    dies with the stage, offer to place the sink over it at the offset the replayed reads
    (stages.simulate) prove safe."""
    from ..stages import sink_pattern
    pins = []
    for st in g.stages:
        sink = g.storage(st.sink)
        for src in st.sources:
            s = g.storage(src)
            if s != src or s not in life or life[s][1] != st.last + 1 or s == sink:
                continue
            pattern = sink_pattern(g, st, src)
            delta = best_delta(pattern, alignment)
            if delta is not None:
                pins.append(Pin(f"t{s}", f"t{sink}", delta, pattern))
    return pins


def overlap_candidates(g: Graph, life: dict[int, tuple[int, int]], access_of: AccessOf,
                       alignment: int = 4) -> list[Pin]:
    """Where an operator's input dies at that operator, offer the planner to place the output
    over it (in place or at a safe offset), as proven by the kernel's access pattern."""
    pins = []
    live = [sum(g.t(t).nbytes for t, (s, e) in life.items() if s <= step < e)
            for step in range(len(g.operators))]
    # overlaps only pay where memory is tight: on big graphs, skip steps under half the peak
    busy = max(live, default=0) // 2 if len(g.operators) > 40 else 0
    staged = {step for st in g.stages for step in st.steps}
    for step, op in enumerate(g.operators):
        out = g.storage(op.outputs[0])
        if life.get(out, (None,))[0] != step or live[step] < busy or step in staged:
            continue
        for acc in access_of(op):
            src, pattern = g.storage(op.inputs[acc.input_pos]), acc.pattern
            if src not in life or life[src][1] != step + 1 or src == out:
                continue
            if pattern.in_bytes != g.t(src).nbytes or pattern.out_bytes != g.t(out).nbytes:
                continue
            if acc.option is not None:   # a kernel variant that works in place with scratch
                if hazard_free(pattern, 0):
                    pins.append(Pin(f"t{src}", f"t{out}", 0, pattern, kind=acc.option.variant,
                                    scratch=acc.option.scratch))
                continue
            delta = best_delta(pattern, alignment)
            if delta is not None:
                pins.append(Pin(f"t{src}", f"t{out}", delta, pattern))
    return pins


class _Planner:
    """Plans the graph under the operators' current options."""

    def __init__(self, g: Graph, access_of: AccessOf, alignment: int, algorithms, overlap: bool):
        self.g, self.access_of, self.alignment = g, access_of, alignment
        self.algorithms, self.overlap = algorithms, overlap
        self.life = lifetimes(g)
        self.withheld: set[str] = set()     # outputs whose in-place pins are not offered

    def plan(self) -> Plan:
        g, life = self.g, self.life
        sizes = buffer_bytes(g)
        buffers = [Buffer(f"t{i}", sizes.get(i, g.t(i).nbytes), s, e)
                   for i, (s, e) in sorted(life.items())]
        staged = {step: st for st in g.stages for step in st.steps}
        for step, op in enumerate(g.operators):       # kernel scratch, alive during its op only
            if step in staged:
                continue
            if op.memory.scratch:
                buffers.append(Buffer(f"scratch{step}", op.memory.scratch, step, step + 1))
        for st in g.stages:        # a stage's kernels run one at a time: one scratch for all
            scratch = max(g.operators[step].memory.scratch for step in st.steps)
            if scratch:
                buffers.append(Buffer(f"scratch{st.first}", scratch, st.first, st.last + 1))
        pins = (overlap_candidates(g, life, self.access_of, self.alignment)
                + stage_pins(g, life, self.alignment) if self.overlap else [])
        pins = [pin for pin in pins if not (pin.scratch and pin.member in self.withheld)]
        return plan(buffers, self.alignment, self.algorithms, pins)

    def on_peak(self, p: Plan, step: int) -> bool:
        """Does the planned memory at `step` reach the arena's top?"""
        g = self.g
        sizes = buffer_bytes(g)
        top = max((p.offsets[f"t{t}"] + sizes.get(t, g.t(t).nbytes)
                   for t, (s, e) in self.life.items() if s <= step < e), default=0)
        scratch = p.offsets.get(f"scratch{step}")
        if scratch is not None:
            top = max(top, scratch + g.operators[step].memory.scratch)
        return top + 4 > p.arena_bytes - 4


def _role(options: list[MemoryOption], role: str) -> MemoryOption | None:
    return next((o for o in options if o.role == role), None)


def choose(g: Graph, options_of: OptionsOf, access_of: AccessOf, alignment: int = 4,
           algorithms: list[str] | None = None, overlap: bool = True,
           thorough: bool = False) -> GraphPlan:
    """Set every op's `memory` and `scratch_offset`; return the plan. The wide options go to
    all ops at once, else to those off the peak, as long as the arena does not grow; the ops
    still narrow after that (or, `thorough`, every op left narrow: the final plan of a fused
    schedule, whose stages share one scratch) are then widened one by one where the arena does
    not grow (a plan each)."""
    options = [options_of(op) for op in g.operators]
    for op, opts in zip(g.operators, options):
        op.memory = opts[0] if opts else MemoryOption()
    planner = _Planner(g, access_of, alignment, algorithms, overlap)
    p = planner.plan()
    p = _fall_back(g, planner, options, p)
    p = _widen(g, planner, options, p)
    if thorough or any(op.memory.role == "default" and _role(opts, "wide") is not None
                       for op, opts in zip(g.operators, options)):
        p = _widen_each(g, planner, options, p)     # the ops the all-at-once widening left
    p = _keep_planar(g, planner, options, p)
    _place_scratch(g, p)
    return GraphPlan(plan=p, offsets={i: p.offsets[f"t{i}"] for i in planner.life},
                     lifetimes=planner.life)


def _keep_planar(g: Graph, planner: _Planner, options, p: Plan) -> Plan:
    """An in-place pin runs its op on the in-place kernel; where the op's own first option is
    the planar row ring (3x3 depthwise on 6- to 128-wide rows), that is slower (vww's 6 x 6
    layers on the M4: 4.37 against 3.66 instructions/MAC). Withhold those pins where the arena
    does not grow: all at once, else those off the peak at once, else one by one (in graph
    order)."""
    step_of = {f"t{g.storage(o)}": step for step, op in enumerate(g.operators)
               for o in op.outputs}
    slow = [pin.member for pin in p.pins if pin.scratch and pin.member in step_of
            and options[step_of[pin.member]]
            and options[step_of[pin.member]][0].variant == "ring"]

    def trial(members: list[str]) -> Plan | None:
        planner.withheld |= set(members)
        t = planner.plan()
        if t.arena_bytes <= p.arena_bytes:
            return t
        planner.withheld -= set(members)
        return None

    if not slow:
        return p
    t = trial(slow)
    if t is None:
        off_peak = [m for m in slow if not planner.on_peak(p, step_of[m])]
        t = trial(off_peak) if off_peak and len(off_peak) < len(slow) else None
    if t is None:
        for member in sorted(slow, key=lambda m: step_of[m]):
            one = trial([member])
            if one is not None:
                p = t = one
    for member in planner.withheld:     # their Helium builds still run the in-place kernel
        op = g.operators[step_of[member]]
        op.memory = replace(op.memory, role="unpinned")
    return p if t is None else t


def _fall_back(g: Graph, planner: _Planner, options, p: Plan) -> Plan:
    """Scratch should not cost much arena: where an op's scratch sits on the peak and its last
    fallback (no scratch, slower) would shrink the arena by at least 10%, fall back: to the
    first (fastest) of its fallbacks that the last one would not shrink by 10% (e.g. the padded
    rows' two-pixel kernel, half the scratch of the four-pixel one), else to the last.
    --optimize memory also falls back to the last where that saves a larger fraction of the
    arena than the fraction of the model's predicted instructions it adds."""
    from ..costmodel import predict_layer
    smallest = g.config.get("optimize") == "memory"
    total = sum(predict_layer(g, op) for op in g.operators) if smallest else 0
    for step, (op, opts) in enumerate(zip(g.operators, options)):
        fallbacks = [o for o in opts if o.role == "fallback"]
        if (fallbacks and planner.on_peak(p, step)
                and (op.memory.scratch * 10 >= p.arena_bytes // 10
                     or (smallest and op.memory.scratch))):
            before = predict_layer(g, op) if smallest else 0
            saved, op.memory = op.memory, fallbacks[-1]
            trial = planner.plan()
            added = (predict_layer(g, op) - before) / max(1, total) if smallest else 0.0
            tenth = trial.arena_bytes * 10 <= p.arena_bytes * 9
            if tenth or (smallest and (p.arena_bytes - trial.arena_bytes) / p.arena_bytes
                         > max(0.0, added)):
                p = trial
                for other in fallbacks[:-1] if tenth and not smallest else []:
                    op.memory = other
                    middle = planner.plan()
                    if trial.arena_bytes * 10 > middle.arena_bytes * 9:
                        p = middle
                        break
                else:
                    op.memory = fallbacks[-1]
            else:
                op.memory = saved
    return p


def _widen(g: Graph, planner: _Planner, options, p: Plan) -> Plan:
    """Give the wide (int16 column) options: to all ops, else to those off the peak, as long as
    the arena does not grow."""
    candidates = [step for step, (op, opts) in enumerate(zip(g.operators, options))
                  if op.memory.role == "default" and _role(opts, "wide") is not None]
    for subset in (candidates, [step for step in candidates if not planner.on_peak(p, step)]):
        if not subset:
            continue
        saved = {step: g.operators[step].memory for step in subset}
        for step in subset:
            g.operators[step].memory = _role(options[step], "wide")
        trial = planner.plan()
        if trial.arena_bytes <= p.arena_bytes:
            return trial
        for step in subset:
            g.operators[step].memory = saved[step]
    return p


def _widen_each(g: Graph, planner: _Planner, options, p: Plan) -> Plan:
    """The wide option for the ops still without it (the most instructions saved first), kept
    where the arena does not grow: all at once, else halves in turn down to single ops, which
    then also try their further wide options (narrower: e.g. two int16 columns, not four)."""
    from ..costmodel import predict_layer
    gains = []
    for step, (op, opts) in enumerate(zip(g.operators, options)):
        wide = _role(opts, "wide")
        if op.memory.role in ("default", "fallback") and wide is not None:
            before, saved = predict_layer(g, op), op.memory
            op.memory = wide
            gains.append((predict_layer(g, op) - before, step))
            op.memory = saved
    steps = [step for gain, step in sorted(gains) if gain < 0]

    def widen(subset: list[int], p: Plan) -> Plan:
        """All of `subset` at once if the arena does not grow, else each half in turn (a plan
        per try: about len * log(len) plans where few fail, not one per op)."""
        saved = {step: g.operators[step].memory for step in subset}
        for step in subset:
            g.operators[step].memory = _role(options[step], "wide")
        trial = planner.plan()
        if trial.arena_bytes <= p.arena_bytes:
            return trial
        for step in subset:
            g.operators[step].memory = saved[step]
        if len(subset) == 1:                # a narrower wide option of the op, if any
            step = subset[0]
            for other in [o for o in options[step] if o.role == "wide"][1:]:
                g.operators[step].memory = other
                trial = planner.plan()
                if trial.arena_bytes <= p.arena_bytes:
                    return trial
            g.operators[step].memory = saved[step]
            return p
        half = len(subset) // 2
        return widen(subset[half:], widen(subset[:half], p))

    return widen(steps, p) if steps else p


def _place_scratch(g: Graph, p: Plan) -> None:
    """Scratch offsets, and the variants the chosen pins stand for (in-place kernels)."""
    first = {step: st.first for st in g.stages for step in st.steps}
    for step, op in enumerate(g.operators):
        if op.memory.scratch:
            op.scratch_offset = p.offsets[f"scratch{first.get(step, step)}"]
    producer = {f"t{g.storage(o)}": op for op in g.operators for o in op.outputs}
    for pin in p.pins:
        if pin.scratch:
            op = producer[pin.member]
            op.memory = MemoryOption(pin.kind, pin.scratch, role="pinned")
            op.scratch_offset = p.offsets[f"scratch:{pin.member}"]
