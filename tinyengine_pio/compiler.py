"""The compiler driver: bytes -> IR -> passes -> plan -> C files."""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field

from .emitter import c_identifier, digest, generate, write_files
from .frontend import load_bytes, read_model
from .ir import Graph
from .metadata import metadata_file
from .ops import lookup
from .ops.conv_2d import demote as demote_conv
from .passes import run_pipeline
from .schedule import choose_order
from .planner import Buffer, Pin, Plan, plan
from .planner.overlap import best_delta, hazard_free


@dataclass
class CompiledModel:
    graph: Graph                 # after passes
    source: Graph                # as read
    plan: Plan
    offsets: dict[int, int]      # storage tensor -> arena offset
    lifetimes: dict[int, tuple[int, int]]
    files: dict[str, str] = field(default_factory=dict)
    sha256: str = ""

    @property
    def arena_bytes(self) -> int:
        return self.plan.arena_bytes

    @property
    def weight_bytes(self) -> int:
        return sum(self.graph.t(i).nbytes for i in _const_inputs(self.graph))


def _const_inputs(g: Graph) -> set[int]:
    return {i for op in g.operators for i in op.inputs if i >= 0 and g.t(i).is_const}


def lifetimes(g: Graph) -> dict[int, tuple[int, int]]:
    """Half-open [first write, last read + 1) per storage tensor; inputs from 0, outputs to the end."""
    n = len(g.operators)
    life: dict[int, list[int]] = {}

    def touch(i: int, step: int) -> None:
        s = g.storage(i)
        if g.t(s).is_const:
            return
        lo_hi = life.setdefault(s, [step, step + 1])
        lo_hi[0] = min(lo_hi[0], step)
        lo_hi[1] = max(lo_hi[1], step + 1)

    for i in g.inputs:
        touch(i, 0)
    for step, op in enumerate(g.operators):
        for i in op.inputs + op.outputs:
            if i >= 0:
                touch(i, step)
    for o in g.outputs:
        touch(o, max(n - 1, 0))
    return {k: (v[0], v[1]) for k, v in life.items()}


def overlap_candidates(g: Graph, life: dict[int, tuple[int, int]], alignment: int = 4) -> list[Pin]:
    """Where an operator's input dies at that operator, offer the planner to place the output
    over it (in place or at a safe offset), as proven by the kernel's access pattern."""
    pins = []
    live = [sum(g.t(t).nbytes for t, (s, e) in life.items() if s <= step < e)
            for step in range(len(g.operators))]
    # overlaps only pay where memory is tight: on big graphs, skip steps under half the peak
    busy = max(live, default=0) // 2 if len(g.operators) > 40 else 0
    for step, op in enumerate(g.operators):
        out = g.storage(op.outputs[0])
        if life.get(out, (None,))[0] != step or live[step] < busy:
            continue
        for pos, pattern, *extra in lookup(op).access(g, op):
            src = g.storage(op.inputs[pos])
            if src not in life or life[src][1] != step + 1 or src == out:
                continue
            if pattern.in_bytes != g.t(src).nbytes or pattern.out_bytes != g.t(out).nbytes:
                continue
            variant = extra[0] if extra else {}
            if variant:          # a kernel variant that works in place (delta 0) with scratch
                if hazard_free(pattern, 0):
                    pins.append(Pin(f"t{src}", f"t{out}", 0, pattern, **variant))
                continue
            delta = best_delta(pattern, alignment)
            if delta is not None:
                pins.append(Pin(f"t{src}", f"t{out}", delta, pattern))
    return pins


def _plan(g: Graph, life, alignment: int, algorithms, overlap: bool) -> Plan:
    buffers = [Buffer(f"t{i}", g.t(i).nbytes, s, e) for i, (s, e) in sorted(life.items())]
    for step, op in enumerate(g.operators):       # kernel scratch, alive during its op only
        if op.params.get("scratch_bytes"):
            buffers.append(Buffer(f"scratch{step}", op.params["scratch_bytes"], step, step + 1))
    return plan(buffers, alignment, algorithms,
                overlap_candidates(g, life, alignment) if overlap else [])


def _on_peak(g: Graph, life, p: Plan, step: int) -> bool:
    """Does the planned memory at `step` reach the arena's top?"""
    top = max((p.offsets[f"t{t}"] + g.t(t).nbytes for t, (s, e) in life.items() if s <= step < e),
              default=0)
    scratch = p.offsets.get(f"scratch{step}")
    if scratch is not None:
        top = max(top, scratch + g.operators[step].params["scratch_bytes"])
    return top + 4 > p.arena_bytes - 4


def _widen(params: dict, wide: bool) -> None:
    """Give an op its TE_FAST int16 columns (`fast_scratch`) or back its lean scratch."""
    params.update(lean=not wide,
                  scratch_bytes=params["fast_scratch" if wide else "lean_scratch"])


def compile_model(data: bytes, prefix: str = "model", name: str = "model.tflite",
                  alignment: int = 4, algorithms: list[str] | None = None,
                  overlap: bool = True, emit: bool = True, optimize: str = "speed") -> CompiledModel:
    """optimize="speed" uses the GEMM / im2col / unrolled kernels; "size" the direct loops."""
    c_identifier(prefix)
    if optimize not in ("speed", "size"):
        raise ValueError(f"optimize must be 'speed' or 'size', not {optimize!r}")
    source = read_model(data, name)
    source.config["optimize"] = optimize
    g = choose_order(run_pipeline(source))
    life = lifetimes(g)
    # ops start lean (the portable kernels' scratch): TE_FAST int16 column buffers
    # (`fast_scratch`) must not cost arena
    p = _plan(g, life, alignment, algorithms, overlap)
    # im2col's scratch should not cost much arena: where it sits on the peak and the direct
    # loops (no scratch, 1.5-5x slower) would shrink the arena by at least 10%, use them
    for step, op in enumerate(g.operators):
        if (op.params.get("variant") == "im2col" and _on_peak(g, life, p, step)
                and op.params["scratch_bytes"] * 10 >= p.arena_bytes // 10):
            saved = copy.deepcopy(op.params)
            demote_conv(op.params, implicit=optimize == "speed")
            trial = _plan(g, life, alignment, algorithms, overlap)
            if trial.arena_bytes * 10 <= p.arena_bytes * 9:
                p = trial
            else:
                op.params.clear()
                op.params.update(saved)
    # then give the int16 buffers back: to all ops, else to those off the peak, as long as
    # the arena does not grow
    candidates = [step for step, op in enumerate(g.operators)
                  if op.params.get("lean") and op.params.get("variant") != "generic"]
    for subset in (candidates, [step for step in candidates if not _on_peak(g, life, p, step)]):
        if not subset:
            continue
        for step in subset:
            _widen(g.operators[step].params, True)
        trial = _plan(g, life, alignment, algorithms, overlap)
        if trial.arena_bytes <= p.arena_bytes:
            p = trial
            break
        for step in subset:
            _widen(g.operators[step].params, False)
    offsets = {i: p.offsets[f"t{i}"] for i in life}
    for step, op in enumerate(g.operators):
        if op.params.get("scratch_bytes"):
            op.params["scratch_offset"] = p.offsets[f"scratch{step}"]
    producer = {f"t{g.storage(op.outputs[0])}": op for op in g.operators}
    for pin in p.pins:                      # kernel variants the chosen pins stand for
        if pin.scratch:
            op = producer[pin.member]
            op.params.update(variant=pin.kind, scratch_bytes=pin.scratch,
                             scratch_offset=p.offsets[f"scratch:{pin.member}"])
    sha = digest(data)
    cm = CompiledModel(graph=g, source=source, plan=p, offsets=offsets, lifetimes=life, sha256=sha)
    if emit:
        cm.files = generate(g, offsets, p.arena_bytes, prefix, sha, os.path.basename(name),
                            optimize)
        cm.files.update(metadata_file(cm, prefix, os.path.basename(name), optimize, alignment))
    return cm


def compile_file(path: str | os.PathLike, out_dir: str | os.PathLike, prefix: str = "model",
                 **kw) -> CompiledModel:
    """Compile a .tflite file and write the C sources to out_dir (only after success)."""
    data = load_bytes(path)
    cm = compile_model(data, prefix=prefix, name=os.path.basename(os.fspath(path)), **kw)
    write_files(os.fspath(out_dir), cm.files)
    return cm


def op_macs(g: Graph) -> list[int]:
    return [lookup(op).macs(g, op) for op in g.operators]
