"""Fused stages: a run of operators executed row by row through line buffers.

A stage is a run of consecutive steps (operators in execution order) whose operators all stream
(stages/rows.py): CONV_2D, DEPTHWISE_CONV_2D, the pools and element-wise ADD, residual branches
included. Only its last operator's output (the sink) and the tensors it reads from outside (its
sources) exist whole; every tensor produced and consumed inside lives in a line buffer (`Ring`)
holding just the rows its consumers still need. Execution is demand-driven: the sink's rows are
produced in order; producing a row of a tensor first produces the rows of its inputs that the
row's window reads (StreamNet's stream buffers, the line-buffer dataflow of CNN accelerators). No
output row is ever computed twice, so the only cost is bookkeeping: a buffer that is full moves
its live rows to its front before the next row is written.

`simulate` replays that execution on the host exactly as the generated C runs it (emit.py): it
sizes each line buffer (the most rows alive at once), counts the rows moved and the kernel calls,
records when each source row is read for the last time (so the planner may place the sink over
its dying source), and checks every read against the buffer's contents: the stage verifier.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import TinyEngineError
from ..ir import DTYPE_BYTES, Graph
from ..planner.overlap import AccessPattern
from .rows import RowMap, RowsOf, RowSpec

__all__ = ["Ring", "Stage", "StageError", "make_stage", "simulate", "sink_pattern", "RowMap",
           "RowSpec", "row_bytes"]


class StageError(TinyEngineError):
    """A stage's replay found a read outside its line buffer (a compiler bug, never the model's)."""


@dataclass
class Ring:
    """The line buffer of one tensor inside a stage: `cap` rows of `row_bytes`."""
    tensor: int
    rows: int          # the tensor's height
    row_bytes: int
    cap: int

    @property
    def nbytes(self) -> int:
        return self.cap * self.row_bytes


@dataclass
class Stage:
    steps: tuple[int, ...]                   # consecutive positions in g.operators
    sink: int                                # tensor written whole (the last op's output)
    sources: tuple[int, ...]                 # tensors read whole from outside
    streamed: tuple[int, ...] = ()           # graph inputs read row by row through the
    #                                          application's <prefix>_read_input_rows (a ring)
    rings: dict[int, Ring] = field(default_factory=dict)        # internal tensor -> ring
    specs: dict[int, RowSpec] = field(default_factory=dict)     # step -> its RowSpec
    producer: dict[int, int] = field(default_factory=dict)      # tensor -> step producing it
    consumers: dict[int, list[tuple[int, RowMap]]] = field(default_factory=dict)
    batch: dict[int, int] = field(default_factory=dict)   # step -> rows per call inside
    #                                          its interior (default 1)
    calls: int = 0                           # kernel calls of one run (simulate)
    moved_bytes: int = 0                     # bytes the full buffers moved (simulate)
    last_read: dict[int, np.ndarray] = field(default_factory=dict)   # source -> per row: the
    #                                          sink row being made when it is read last
    trace: list = field(default_factory=list, repr=False)   # simulate: the calls in order,
    #                                          (tensor written, first row, rows, [(tensor, lo, hi)])

    @property
    def first(self) -> int:
        return self.steps[0]

    @property
    def last(self) -> int:
        return self.steps[-1]

    @property
    def ring_bytes(self) -> int:
        return sum(r.nbytes for r in self.rings.values())

    def describe(self, g: Graph) -> str:
        ops = g.operators
        return (f"steps {self.first}-{self.last} (#{ops[self.first].index} {ops[self.first].kind} .. "
                f"#{ops[self.last].index} {ops[self.last].kind}), line buffers {self.ring_bytes} B")


def row_bytes(g: Graph, t: int) -> int:
    """Bytes of one row (H index) of the NHWC tensor t."""
    shape = g.t(t).shape
    return int(shape[2]) * int(shape[3]) * DTYPE_BYTES[g.t(t).dtype]


def streamable_input(g: Graph, t: int, a: int, b: int) -> bool:
    """A graph input only steps a..b read, as NHWC int8 of its own storage: the stage may pull
    its rows from the application instead of holding it whole (--input-stream)."""
    tensor = g.t(t)
    if t not in g.inputs or t in g.outputs or tensor.alias_of is not None:
        return False
    if len(tensor.shape) != 4 or tensor.shape[0] != 1 or tensor.dtype not in ("int8", "uint8"):
        return False
    if any(tensor.alias_of == t for tensor in g.tensors):
        return False
    return all(a <= step <= b for step, op in enumerate(g.operators) if t in op.inputs)


def make_stage(g: Graph, a: int, b: int, rows_of: RowsOf, slack: int = 0,
               stream_inputs: bool = False, batch: dict[int, int] | None = None
               ) -> Stage | None:
    """The stage running steps a..b, or None where they cannot stream together; sized and
    checked by simulate(). `slack`: rows each line buffer holds beyond the fewest it needs (fewer
    moves, more memory). `stream_inputs`: graph inputs only the stage reads come row by row
    from the application (<prefix>_read_input_rows) into a line buffer. `batch`: rows per call
    of some steps inside their windows' interior (see pair_batches)."""
    if b < a or (b == a and not stream_inputs):
        return None
    ops = g.operators[a:b + 1]
    aliased = {g.t(t).alias_of for t in range(len(g.tensors)) if g.t(t).alias_of is not None}
    producer: dict[int, int] = {}
    specs: dict[int, RowSpec] = {}
    for step, op in zip(range(a, b + 1), ops):
        if len(op.outputs) != 1:
            return None
        out = op.outputs[0]
        t = g.t(out)
        if t.is_const or t.is_variable or t.alias_of is not None or out in aliased:
            return None
        spec = rows_of(op)
        if spec is None:
            return None
        streamed = {op.inputs[pos] for pos, _ in spec.inputs}
        if any(i >= 0 and i not in streamed and not g.t(i).is_const for i in op.inputs):
            return None
        for pos, rm in spec.inputs:
            i = op.inputs[pos]
            if g.t(i).is_const or len(g.t(i).shape) != 4 or rm.in_rows != g.t(i).shape[1]:
                return None
        if spec.inputs and spec.inputs[0][1].out_rows != t.shape[1]:
            return None
        producer[out] = step
        specs[step] = spec
    sink = ops[-1].outputs[0]
    consumers: dict[int, list[tuple[int, RowMap]]] = {}
    sources: list[int] = []
    for step in range(a, b + 1):
        op = g.operators[step]
        for pos, rm in specs[step].inputs:
            i = op.inputs[pos]
            consumers.setdefault(i, []).append((step, rm))
            if i not in producer and i not in sources:
                sources.append(i)
    graph_outputs = {g.storage(o) for o in g.outputs}
    for t, step in producer.items():
        if t == sink:
            continue
        if t in graph_outputs:
            return None
        for later, op in enumerate(g.operators):
            if (later < a or later > b) and t in op.inputs:
                return None                       # read outside the stage: it must exist whole
    streamed = [t for t in sources if stream_inputs and streamable_input(g, t, a, b)]
    sources = [t for t in sources if t not in streamed]
    if (not sources and not streamed) or (a == b and not streamed):
        return None                              # one layer alone only to stream an input
    st = Stage(steps=tuple(range(a, b + 1)), sink=sink, sources=tuple(sources),
               streamed=tuple(streamed), specs=specs, producer=producer, consumers=consumers,
               batch={k: v for k, v in (batch or {}).items() if a <= k <= b and v > 1})
    for t in list(producer) + streamed:
        if t != sink:
            st.rings[t] = Ring(t, g.t(t).shape[1], row_bytes(g, t), cap=0)
    need = simulate(g, st)                       # the rows each buffer must hold
    for t, ring in st.rings.items():
        ring.cap = min(ring.rows, need[t] + slack)
    simulate(g, st)                              # with those sizes: moves, checks
    return st


def simulate(g: Graph, st: Stage) -> dict[int, int]:
    """Run the stage's schedule on the host as the C does (emit.py). Returns, per line buffer,
    the most rows alive at once; with sized buffers (cap > 0) also counts the moved bytes and
    the calls, records the sources' last reads and raises StageError on any read outside a
    buffer's rows."""
    n = {t: 0 for t in list(st.producer) + list(st.streamed)}
    base = {t: 0 for t in list(st.producer) + list(st.streamed)}
    n.update({s: g.t(s).shape[1] for s in st.sources})
    base.update({s: 0 for s in st.sources})
    need = {t: 1 for t in st.rings}
    sized = all(r.cap > 0 for r in st.rings.values())
    last = {s: np.full(g.t(s).shape[1], -1, dtype=np.int64) for s in st.sources}
    calls = moved = 0
    trace: list = []

    def out_of(step: int) -> int:
        return g.operators[step].outputs[0]

    def keep(t: int) -> int:
        return min(max(0, n[out_of(step)] * rm.stride - rm.pad) for step, rm in st.consumers[t])

    def make_room(t: int, y: int, count: int = 1) -> None:
        """Room for rows y .. y + count - 1 (y = n[t]): te_rows_push."""
        nonlocal moved
        k = min(keep(t), y)          # rows past y no consumer reads (stride > window) are
        last = y + count - 1         # still written: keep from y at most
        need[t] = max(need[t], last - k + 1)
        ring = st.rings[t]
        if sized and last - base[t] >= ring.cap:
            moved += (y - k) * ring.row_bytes
            base[t] = k
            if last - base[t] >= ring.cap:
                raise StageError(f"stage {st.first}-{st.last}: the line buffer of tensor "
                                 f"#{t} ({ring.cap} rows) cannot hold row {last}")

    def pull(t: int, hi: int) -> None:
        nonlocal calls, moved
        if t in st.streamed:                     # the application's rows, one per call
            while n[t] <= hi:
                make_room(t, n[t])
                trace.append((t, n[t], 1, []))
                calls += 1
                n[t] += 1
            return
        if t not in st.producer:
            return
        step = st.producer[t]
        op = g.operators[step]
        while n[t] <= hi:
            y = n[t]
            windows = []
            count = st.specs[step].inputs[0][1].count(y, st.batch.get(step, 1))
            for pos, rm in st.specs[step].inputs:
                lo_in, hi_in = rm.window(y)[0], rm.window(y + count - 1)[1]
                if hi_in >= lo_in:
                    pull(op.inputs[pos], hi_in)
                windows.append((op.inputs[pos], lo_in, hi_in))
            if t in st.rings:
                make_room(t, y, count)
            for i, lo_in, hi_in in windows:
                if hi_in < lo_in:
                    continue
                if sized and (lo_in < base[i] or hi_in >= n[i] or (
                        i in st.rings and hi_in - base[i] >= st.rings[i].cap)):
                    raise StageError(f"stage {st.first}-{st.last}: step {step} reads rows "
                                     f"{lo_in}-{hi_in} of tensor #{i}, which holds rows "
                                     f"{base[i]}-{n[i] - 1}")
                if i in last:
                    last[i][lo_in:hi_in + 1] = n[st.sink]
            trace.append((t, y, count, [w for w in windows if w[2] >= w[1]]))
            calls += 1
            n[t] = y + count

    pull(st.sink, g.t(st.sink).shape[1] - 1)
    for t in st.streamed:                        # the rows no output needs: asked for too
        pull(t, g.t(t).shape[1] - 1)
    if sized:
        st.calls, st.moved_bytes, st.last_read, st.trace = calls, moved, last, trace
    return need


def sink_pattern(g: Graph, st: Stage, source: int) -> AccessPattern:
    """The stage as one kernel reading `source` and writing its sink, in units of rows: sink
    row j is written after every read made while producing it (replayed by simulate)."""
    return AccessPattern(row_bytes(g, source), row_bytes(g, st.sink), st.last_read[source],
                         g.t(st.sink).shape[1], False)


def pair_batches(g: Graph, st: Stage) -> dict[int, int]:
    """Two rows per call for the steps whose kernel pairs output pixels and whose rows are of
    odd width (one call per row would waste a column of the pair GEMM on each row)."""
    out = {}
    for step in st.steps:
        spec = st.specs[step]
        op = g.operators[step]
        if spec.pairs and g.t(op.outputs[0]).shape[2] % 2 == 1 and \
                spec.inputs[0][1].count(spec.inputs[0][1].interior()[0], 2) == 2:
            out[step] = 2
    return out
