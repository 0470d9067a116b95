"""The C of a fused stage (stages/__init__.py): one pull function per tensor it produces.

    static void <prefix>_s<k>_t<T>(te_rows_t *r, int32_t hi)   makes rows 0..hi of tensor T

Each loops over T's next rows: it first pulls the input rows the row's window reads, makes room
in T's line buffer (te_rows_push: the lowest row T's consumers still read is kept), then calls the
layer's own kernel emitter on a one-row slice of its parameters (RowSpec.params) with the row
pointers in place of the tensors. The rows of a layer fall into a few classes of window (top
padding rows, the interior, the bottom): one kernel call per class, chosen by the row number. The
invoke calls the sink's pull function once, for all its rows. stages.simulate replays exactly this
order, so the line buffers are sized for it."""
from __future__ import annotations

from dataclasses import dataclass

from ..flash import op_scope
from ..ops import lookup
from . import Stage, row_bytes
from .rows import ELEMENTWISE


@dataclass
class _Class:
    end: int          # rows y < end (and >= the previous class's end)
    pad_t: int
    in_h: int


def row_classes(rm, rows: int) -> list[_Class]:
    """Consecutive output rows with the same window slice (pad_t, in_h)."""
    out: list[_Class] = []
    for y in range(rows):
        pad_t, in_h = rm.slice(y)
        if out and (out[-1].pad_t, out[-1].in_h) == (pad_t, in_h):
            out[-1].end = y + 1
        else:
            out.append(_Class(y + 1, pad_t, in_h))
    return out


def emit_stage(ctx, st: Stage, k: int) -> tuple[list[str], set[tuple[str, str]]]:
    """Write stage `k`'s functions into ctx.funcs and its run into ctx.body; returns the kernel
    stems and (stem, ISA) uses of its layers."""
    g, prefix = ctx.g, ctx.prefix
    local = {t: n for n, t in enumerate(list(st.sources) + list(st.streamed)
                                        + sorted(st.producer, key=st.producer.get))}
    name = {t: f"{prefix}_s{k}_t{t}" for t in list(st.producer) + list(st.streamed)}
    kernels: list[str] = []
    uses: set[tuple[str, str]] = set()
    body, saved_params = ctx.body, {}
    for t in st.streamed:
        _stream_input(ctx, st, t, name[t], local)
    for step in st.steps:
        op = g.operators[step]
        t = op.outputs[0]
        spec = st.specs[step]
        w = ctx.funcs
        w.line(f"/* stage {k}, step {step}: #{op.index} {op.kind}, rows of tensor #{t} */")
        with w.block(f"static void {name[t]}(te_rows_t *r, int32_t hi)"):
            with w.block(f"while (r[{local[t]}].n <= hi)"):
                w.line(f"const int32_t y = r[{local[t]}].n;")
                batch = st.batch.get(step, 1)
                cnt = "1"
                if batch > 1:          # whole windows: `batch` rows per call
                    first, end = spec.inputs[0][1].interior()
                    w.line(f"const int32_t cnt = (y >= {first} && y + {batch} <= {end}) ? "
                           f"{batch} : 1;")
                    cnt = "cnt"
                last = "y" if cnt == "1" else "(y + cnt - 1)"
                for pos, rm in spec.inputs:
                    i = op.inputs[pos]
                    if i in name:
                        w.call(name[i], "r", f"te_rows_min({last} * {rm.stride} + "
                                             f"{rm.span - 1 - rm.pad}, {rm.in_rows - 1})")
                if t in st.rings:
                    w.call("te_rows_push", f"&r[{local[t]}]", _keep(g, st, t, local), cnt)
                ctx.body = w
                ctx.isas = set()
                saved_params[step] = op.params
                try:
                    _calls(ctx, st, op, spec, local, batch)
                finally:
                    op.params = saved_params[step]
                    ctx.body = body
                    ctx.row_ptrs = {}
                w.line(f"r[{local[t]}].n = y + {cnt};")
        w.line("")
        for kern in lookup(op).kernels:
            if kern not in kernels:
                kernels.append(kern)
            uses.update((kern, isa) for isa in ctx.isas)
    # the run: every tensor's line buffer (sources and the sink whole), then pull the sink
    body.line(f"/* stage {k}: {st.describe(g)} */")
    with body.block("do", "} while (0);"):
        body.line(f"te_rows_t r[{len(local)}];")
        for t, n in local.items():
            shape = g.t(t).shape
            ring = st.rings.get(t)
            cap = ring.cap if ring else shape[1]
            done = shape[1] if t in st.sources else 0
            buf = (f"(int8_t *){ctx.arena_ptr(ctx.offset(t))}" if t in st.streamed
                   else f"(int8_t *){ctx.ptr(t)}")
            body.call("te_rows_init", f"&r[{n}]", buf, row_bytes(g, t), cap, done)
        body.call(name[st.sink], "r", g.t(st.sink).shape[1] - 1)
        for t in st.streamed:       # rows no output needs are asked for too: each row once
            body.call(name[t], "r", g.t(t).shape[1] - 1)
    kernels.append("stage")
    uses.add(("stage", "portable"))
    return kernels, uses


def _keep(g, st: Stage, t: int, local) -> str:
    """C expression: the lowest row of t any of its consumers still reads."""
    keep = [f"te_rows_low(r[{local[g.operators[c].outputs[0]]}].n, {rm.stride}, {rm.pad})"
            for c, rm in st.consumers[t]]
    expr = keep[0]
    for more in keep[1:]:
        expr = f"te_rows_min({expr}, {more})"
    return expr


def _stream_input(ctx, st: Stage, t: int, fname: str, local) -> None:
    """The pull function of a streamed graph input: each row from the application's
    <prefix>_read_input_rows into the line buffer; a failure is kept for the invoke."""
    g, w, prefix = ctx.g, ctx.funcs, ctx.prefix
    n = g.inputs.index(t)
    w.line(f"/* input {n} (tensor #{t}), row by row from {prefix}_read_input_rows() */")
    with w.block(f"static void {fname}(te_rows_t *r, int32_t hi)"):
        with w.block(f"while (r[{local[t]}].n <= hi)"):
            w.call("te_rows_push", f"&r[{local[t]}]", _keep(g, st, t, local), 1)
            with w.block(f"if ({prefix}_read_input_rows({n}, (int)r[{local[t]}].n, 1, "
                         f"te_rows_at(&r[{local[t]}], r[{local[t]}].n)) != 0)"):
                w.line(f"{prefix}_stream_error = 1;")
            w.line(f"++r[{local[t]}].n;")
    w.line("")


def _emit_batched(ctx, op, batch: int, emit_rows) -> None:
    """`emit_rows(rows)` writes the call computing `rows` output rows; with batch > 1 the
    `batch`-row call when cnt says so, else the one-row call."""
    if batch == 1:
        emit_rows(1)
        return
    w = ctx.body
    with w.block(f"if (cnt == {batch})", "} else {"):
        emit_rows(batch)
    with w.indented():
        emit_rows(1)
    w.line("}")


def _calls(ctx, st: Stage, op, spec, local, batch: int = 1) -> None:
    """The layer's kernel call(s) for output row y: one per class of window (and, in the
    interior, the batch of rows where `cnt` says so)."""
    w = ctx.body
    t = op.outputs[0]
    out_ptr = f"te_rows_at(&r[{local[t]}], y)"
    if all((rm.span, rm.stride, rm.pad) == ELEMENTWISE for _, rm in spec.inputs):   # one class
        ctx.row_ptrs = {op.inputs[pos]: f"te_rows_at(&r[{local[op.inputs[pos]]}], y)"
                        for pos, _ in spec.inputs}
        ctx.row_ptrs[t] = out_ptr

        def rows_call(rows: int) -> None:
            op.params = spec.params(0, 1, rows)
            with op_scope(ctx.g, op):
                lookup(op).emit(ctx, op)
        _emit_batched(ctx, op, batch, rows_call)
        return
    (pos, rm), = spec.inputs
    src = op.inputs[pos]
    classes = row_classes(rm, rm.out_rows)
    for n, c in enumerate(classes):
        lo = "0" if c.pad_t else f"y * {rm.stride} - {rm.pad}"
        if len(classes) > 1:
            head = ("if" if n == 0 else "} else if") + f" (y < {c.end}) {{"
            w.line(head if n < len(classes) - 1 else "} else {")
        ctx.row_ptrs = {src: f"te_rows_at(&r[{local[src]}], {lo})", t: out_ptr}
        whole = c.pad_t == 0 and c.in_h == rm.span          # the interior: batches here

        def rows_call(rows: int, c=c) -> None:
            op.params = spec.params(c.pad_t, c.in_h + (rows - 1) * rm.stride, rows)
            with op_scope(ctx.g, op):
                lookup(op).emit(ctx, op)
        if len(classes) > 1:
            with w.indented():
                _emit_batched(ctx, op, batch if whole else 1, rows_call)
        else:
            _emit_batched(ctx, op, batch if whole else 1, rows_call)
    if len(classes) > 1:
        w.line("}")
