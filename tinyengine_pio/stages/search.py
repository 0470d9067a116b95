"""The schedule search: which runs of layers to fuse into line-buffered stages.

A schedule is a set of disjoint step ranges, each run as one stage (stages/__init__.py). The
search is greedy on the arena: starting from layer-by-layer execution it repeatedly fuses the
range around the step where memory peaks that lowers the estimated peak most (a range may swallow
stages chosen before), plans the best few for real and keeps the best, until fusing no longer
shrinks the arena. Each step of that path is a candidate schedule with its arena (planned) and
its predicted instructions (the cost model per layer, plus the stage's bookkeeping: a call per
row and the rows its full line buffers move). The goal then picks one:

    speed    the layer-by-layer schedule (no stage)
    memory   the smallest arena; fewer instructions break ties
    budget   the fewest instructions whose arena fits `budget` bytes (RamBudgetError when none)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..costmodel import coefficients, kernel_key, predict_layer
from ..errors import TinyEngineError
from ..flash import is_size, op_scope
from ..ir import Graph
from ..ops import lookup
from ..planner.overlap import best_delta, extent
from . import Stage, make_stage, pair_batches, sink_pattern

MAX_LEN = 24            # layers in one stage
REAL_PLANS = 3          # candidates planned for real per greedy step
MOVE_COST = 0.5         # instructions per byte a full line buffer moves (word copy)
ROW_COST = 24           # instructions of a pull iteration besides the kernel call


class RamBudgetError(TinyEngineError):
    """No schedule fits the RAM budget; `smallest` is the smallest arena found."""

    def __init__(self, message: str, smallest: int, budget: int):
        super().__init__(message)
        self.smallest, self.budget = smallest, budget


@dataclass
class Candidate:
    ranges: tuple[tuple[int, int], ...]
    arena: int
    instructions: int
    chosen: bool = False
    stages: list = field(default_factory=list, repr=False)

    def streams(self, g: Graph) -> bool:
        """Every graph input is read row by row from the application (--input-stream)."""
        streamed = {t for st in self.stages for t in st.streamed}
        return all(i in streamed for i in g.inputs)

    def label(self) -> str:
        return ", ".join(f"{a}-{b}" for a, b in self.ranges) or "layer by layer"


def rows_of(g: Graph) -> Callable:
    def of(op):
        d = lookup(op)
        return d.rows(g, op) if d.rows is not None and op.dtype == "int8" else None
    return of


def stage_overhead(g: Graph, st: Stage) -> int:
    """Instructions a stage adds to its layers' own: each call beyond a layer's first pays the
    kernel's per-call cost again, each row its pull loop, and the full buffers' moves."""
    coef = coefficients()
    extra = MOVE_COST * st.moved_bytes
    for step in st.steps:
        op = g.operators[step]
        optimize = "size" if is_size(g, op) else g.config.get("optimize", "speed")
        c = coef.get(kernel_key(op, optimize)) or coef.get(kernel_key(op))
        per_call = float(c[3]) if c is not None and len(c) > 3 else 100.0
        rows = g.t(op.outputs[0]).shape[1]
        extra += (rows - 1) * max(0.0, per_call) + rows * ROW_COST
    return int(round(extra))


def _predict(g: Graph, op) -> int:
    with op_scope(g, op):                  # a flash fallback's op: its size kernel's cost
        return predict_layer(g, op)


def instructions(g: Graph, stages: list[Stage]) -> int:
    return sum(_predict(g, op) for op in g.operators) + sum(stage_overhead(g, st)
                                                                for st in stages)


def _live(g: Graph, stages: list[Stage]) -> tuple[dict[int, tuple[int, int]], list[int]]:
    """The schedule's tensor lifetimes and the bytes live at each step (line buffers at their
    size), steps 0 .. len(g.operators) (the last: the graph's outputs)."""
    from ..planner.policy import buffer_bytes, lifetimes
    saved_stages, g.stages = g.stages, stages
    try:
        life, sizes = lifetimes(g), buffer_bytes(g)
    finally:
        g.stages = saved_stages
    live = [0] * (len(g.operators) + 1)
    for t, (s, e) in life.items():
        size = sizes.get(t, g.t(t).nbytes)
        for step in range(s, min(e, len(live))):
            live[step] += size
    return life, live


def estimate_peak(g: Graph, stages: list[Stage]) -> int:
    """The classical bound of the schedule's lifetimes, less what a sink placed over its dying
    source saves (cheap: no planning)."""
    life, live = _live(g, stages)
    for st in stages:
        for src in st.sources:
            if src in life and life[src][1] == st.last + 1 and src != st.sink:
                pat = sink_pattern(g, st, src)
                d = best_delta(pat, 4)
                if d is not None:
                    save = pat.in_bytes + pat.out_bytes - extent(pat.in_bytes, pat.out_bytes, d)
                    for step in st.steps:
                        live[step] -= save
                    break
    return max(live)


def _peak_steps(g: Graph, stages: list[Stage]) -> list[int]:
    """The steps whose live bytes are within 5% of the most."""
    live = _live(g, stages)[1][:len(g.operators)]
    top = max(live, default=0)
    return [step for step, v in enumerate(live) if v * 100 >= top * 95]


def search(g: Graph, plan_fn: Callable[[list[Stage]], int], progress=None) -> list[Candidate]:
    """The greedy path of candidate schedules, layer by layer first. `plan_fn(stages)` plans the
    graph with those stages and returns the arena bytes."""
    of = rows_of(g)
    current: list[Stage] = []

    def evaluate(stages: list[Stage]) -> tuple[int, int]:
        """(arena, instructions): predicted under the kernel variants this plan chose."""
        arena = plan_fn(stages)
        return arena, instructions(g, stages)

    path = [Candidate((), *evaluate([]), stages=[])]
    cache: dict[tuple[int, int], Stage | None] = {}

    def stage(a: int, b: int) -> Stage | None:
        if (a, b) not in cache:
            cache[(a, b)] = make_stage(g, a, b, of,
                                       stream_inputs=g.config.get("input_stream", False))
        return cache[(a, b)]

    if g.config.get("input_stream"):
        current = _stream_seed(g, stage, evaluate)
        if current:
            path.append(Candidate(tuple((s.first, s.last) for s in current),
                                  *evaluate(current), stages=current))
    stalled = False
    for _ in range(16):
        trials = []
        for p in _peak_steps(g, current):
            for a in range(max(0, p - MAX_LEN + 1), p + 1):
                for b in range(p, min(len(g.operators), a + MAX_LEN)):
                    kept = [st for st in current if st.last < a or st.first > b]
                    if any(not (st.last < a or st.first > b) and not (a <= st.first and st.last <= b)
                           for st in current):
                        continue              # cuts a chosen stage
                    st = stage(a, b)
                    if st is None:
                        continue
                    trial = sorted(kept + [st], key=lambda s: s.first)
                    trials.append((estimate_peak(g, trial), instructions(g, trial), trial))
        if not trials:
            break
        trials.sort(key=lambda x: (x[0], x[1], [s.first for s in x[2]]))
        best = None
        seen = set()
        for est, instr, trial in trials:
            key = tuple((s.first, s.last) for s in trial)
            if key in seen:
                continue
            seen.add(key)
            arena, instr = evaluate(trial)
            if best is None or (arena, instr) < (best.arena, best.instructions):
                best = Candidate(key, arena, instr, stages=trial)
            if len(seen) >= REAL_PLANS:
                break
        if best is None or any(c.ranges == best.ranges for c in path):
            break
        if best.arena >= min(c.arena for c in path):
            # no gain: one step further may still pay (two stages where one alone does not,
            # the peak moved); the path keeps it, pick() takes the best of the path
            if stalled:
                break
            stalled = True
        else:
            stalled = False
        path.append(best)
        current = best.stages
        if progress:
            progress(f"schedule search: {best.label()}: arena {best.arena} B")
    return path


def _stream_seed(g: Graph, stage, evaluate) -> list[Stage]:
    """--input-stream: for each graph input, the stage from its first reader that streams it
    with the smallest arena (planned for the shortest and the best few estimates; empty where
    an input cannot stream)."""
    chosen: list[Stage] = []
    for i in g.inputs:
        readers = [step for step, op in enumerate(g.operators) if i in op.inputs]
        if not readers or any(not (st.last < readers[0] or st.first > readers[-1])
                              for st in chosen):
            return []
        a = readers[0]
        options = [st for b in range(max(a, readers[-1]), min(len(g.operators), a + MAX_LEN))
                   if (st := stage(a, b)) is not None and i in st.streamed]
        if not options:
            return []
        ranked = sorted(options, key=lambda st: (estimate_peak(g, chosen + [st]),
                                                  instructions(g, chosen + [st])))
        trial = ranked[:REAL_PLANS + 1] + [st for st in options[:1] if st not in
                                           ranked[:REAL_PLANS + 1]]
        chosen.append(min(trial, key=lambda st: evaluate(sorted(chosen + [st],
                                                                 key=lambda s: s.first))))
    return sorted(chosen, key=lambda s: s.first)


def pick(path: list[Candidate], goal: str, budget: int | None = None,
         g: Graph | None = None) -> Candidate:
    """The candidate the goal chooses (marked chosen); with `g` given, only those streaming
    every input (--input-stream)."""
    if g is not None:
        path = [c for c in path if c.streams(g)] or path
    if budget is not None:
        fits = [c for c in path if c.arena <= budget]
        if not fits:
            smallest = min(path, key=lambda c: (c.arena, c.instructions))
            how = (f"fused stages {smallest.label()}" if smallest.ranges else "layer by layer")
            raise RamBudgetError(
                f"no schedule fits the RAM budget of {budget} B: the smallest arena is "
                f"{smallest.arena} B ({how})", smallest.arena, budget)
        best = min(fits, key=lambda c: (c.instructions, c.arena))
    elif goal == "memory":
        best = min(path, key=lambda c: (c.arena, c.instructions))
    else:
        best = path[0]
    best.chosen = True
    return best


def batch_pairs(g: Graph, stages: list[Stage], plan_fn: Callable[[list[Stage]], int],
                limit: int) -> list[Stage]:
    """Two rows per call where a pair kernel's rows are of odd width (pair_batches), stage by
    stage, as long as the arena stays within `limit` (the chosen arena, or the RAM budget):
    the line buffers grow by a row or two, the wasted pair column goes."""
    of = rows_of(g)
    out = list(stages)
    for k, st in enumerate(stages):
        batch = pair_batches(g, st)
        if not batch:
            continue
        wider = make_stage(g, st.first, st.last, of,
                           stream_inputs=g.config.get("input_stream", False), batch=batch)
        if wider is None:
            continue
        trial = out[:k] + [wider] + out[k + 1:]
        if plan_fn(trial) <= limit:
            out = trial
    return out
