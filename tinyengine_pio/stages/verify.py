"""Independent check of a fused stage's schedule (the stage verifier).

simulate() sizes the line buffers with the same rule the C uses to drop rows (te_rows_push's
`keep`). This check does not use that rule: it takes the order of the kernel calls (the trace)
and each layer's windows from its RowMap alone, and proves from them that

  * every row of every tensor the stage makes is written exactly once, in order (no recompute;
    none missing of the sink, a streamed input, or what a later call reads: rows of an inner
    tensor that no window reads are not made), and every row a call reads was written before
    (or is a source's);
  * at every call, the rows of each line buffer that are written and still to be read by a
    later call (the future, not the keep rule) fit its capacity;
  * where the planner placed the sink over a source (`delta` bytes from its start), no sink row
    is written over a source row that a later call, or the same call, still reads.
"""
from __future__ import annotations

from ..ir import Graph
from . import Stage, StageError, row_bytes


def verify_stage(g: Graph, st: Stage, sink_over: dict[int, int] | None = None) -> None:
    """Raise StageError naming the first violation; `sink_over`: {source: delta bytes} of the
    sink's placement over its sources (planner pins)."""
    where = f"stage {st.first}-{st.last}"
    made = {t: 0 for t in st.producer}
    made.update({t: 0 for t in st.streamed})
    windows_of = {}
    for step in st.steps:
        op = g.operators[step]
        windows_of[op.outputs[0]] = [(op.inputs[pos], rm) for pos, rm in st.specs[step].inputs]
    # 1. rows in order, once; reads of rows already there, matching the windows
    for k, (t, y, count, reads) in enumerate(st.trace):
        if y != made[t]:
            raise StageError(f"{where}: call {k} writes rows {y}.. of #{t}, expected row {made[t]}")
        for i, rm in windows_of.get(t, []):
            lo, hi = rm.window(y)[0], rm.window(y + count - 1)[1]
            if hi < lo:
                continue
            if (i, lo, hi) not in reads:
                raise StageError(f"{where}: call {k} (#{t} rows {y}-{y + count - 1}) does not "
                                 f"read rows {lo}-{hi} of #{i} its window needs")
            if i in made and hi >= made[i]:
                raise StageError(f"{where}: call {k} reads row {hi} of #{i} before it is made")
        made[t] = y + count
    needed = {t: g.t(t).shape[1] for t in [st.sink, *st.streamed]}   # every row of these
    for _, _, _, reads in st.trace:                 # inside: the rows some call reads
        for i, _, hi in reads:
            if i in made and i not in needed:
                needed[i] = max(needed.get(i, 0), hi + 1)
    for t, n in made.items():
        if n < needed.get(t, 0) or n > g.t(t).shape[1]:
            raise StageError(f"{where}: tensor #{t} got {n} of its {g.t(t).shape[1]} rows, "
                             f"{needed.get(t, 0)} of them read")
    # 2. what is live in each line buffer at each call fits it
    last_use: dict[tuple[int, int], int] = {}
    for k, (_, _, _, reads) in enumerate(st.trace):
        for i, lo, hi in reads:
            for r in range(lo, hi + 1):
                last_use[(i, r)] = k
    for t, ring in st.rings.items():
        ends = [last_use.get((t, r), -1) for r in range(ring.rows)]
        written = oldest = 0
        for k, (u, y, count, _) in enumerate(st.trace):
            if u == t:
                written = y + count
            # the oldest row still to be read (rows only leave; a row being written is live)
            while oldest < written and ends[oldest] < k and not (u == t and oldest >= y):
                oldest += 1
            if written - oldest > ring.cap:
                raise StageError(f"{where}: at call {k} rows {oldest}-{written - 1} of #{t} are "
                                 f"live, its line buffer holds {ring.cap}")
    # 3. the sink over a dying source
    for src, delta in (sink_over or {}).items():
        in_row, out_row = row_bytes(g, src), row_bytes(g, st.sink)
        for k, (u, y, count, _) in enumerate(st.trace):
            if u != st.sink:
                continue
            lo, hi = delta + y * out_row, delta + (y + count) * out_row      # bytes written
            first_row, last_row = max(0, lo // in_row), min(g.t(src).shape[1] - 1,
                                                            (hi - 1) // in_row)
            for r in range(first_row, last_row + 1):
                if last_use.get((src, r), -1) >= k:
                    raise StageError(f"{where}: sink rows {y}-{y + count - 1} at {delta:+d} B "
                                     f"overwrite row {r} of source #{src}, read at call "
                                     f"{last_use[(src, r)]}")
