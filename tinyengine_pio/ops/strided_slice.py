"""STRIDED_SLICE: begin / end / strides constant, with begin, end, shrink-axis, ellipsis and
new-axis masks and `offset`, negative strides; int8 at run time (a strided gather through the
TRANSPOSE kernel), any integer dtype folded at compile time (Keras' SHAPE -> STRIDED_SLICE ->
PACK -> RESHAPE chains).

Per axis the start and stop follow TFLite's reference StridedSlice
(`tensorflow/lite/kernels/internal/reference/strided_slice.h`: StartForAxis / EndForAxis, with
the clamping to [0, size] or [-1, size - 1] by the stride's sign). TFLM's
BuildStridedSliceParams zeroes ellipsis_mask and new_axis_mask (its models never rely on them,
since its output-shape check would then fail); here they are expanded the way TensorFlow
defines them (a new axis is a unit output dimension, an ellipsis the full range of the input
dimensions it stands for), which leaves every model TFLM runs unchanged.

`gather_loops` is shared with SLICE, UNPACK, SPLIT and SPLIT_V: the element offset and the
(count, input stride) loops of a strided view, merged and padded to the kernel's four."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, options_table, register, require, unsupported
from .movement import byte_loops, elem_bytes, emit_strided_copy, register_dtypes
from .signature import Operand, Signature, const_int, expect_shape, invalid
from .signature import check as check_that

# the primary's data types: int8 at run time, int64 folded at compile time; float32, int16 and
# int32 are the same implementation registered under those dtypes (ops/movement.py), which
# run and fold them
DATA = ("int8", "int64")


@dataclass
class GatherParams:
    offset: int                        # input byte where the view starts
    loops: list[tuple[int, int]]       # (count, input byte stride) of 4 nested loops
    run: int = 0                       # elements of several bytes: bytes copied at once


def gather_loops(op: Operator, shape, starts, counts, steps, elem: int = 1) -> GatherParams:
    """The view input[starts[d] + k * steps[d] for k < counts[d]] of a row-major `shape`, as
    the TRANSPOSE kernel's four (count, stride) loops (unit loops dropped, contiguous ones
    merged); for elements of `elem` > 1 bytes, te_strided_copy's loops and run."""
    strides = [int(np.prod(shape[d + 1:], dtype=np.int64)) for d in range(len(shape))]
    offset = sum(int(s) * st for s, st in zip(starts, strides))
    if elem > 1:
        loops, run = byte_loops(op, [(n, int(steps[d]) * strides[d])
                                     for d, n in enumerate(counts)], elem)
        return GatherParams(offset=offset * elem, loops=loops, run=run)
    loops: list[tuple[int, int]] = []
    for d, n in enumerate(counts):
        if n == 1:
            continue
        step = int(steps[d]) * strides[d]
        if loops and loops[-1][1] == n * step:
            loops[-1] = (loops[-1][0] * n, step)
        else:
            loops.append((int(n), step))
    if len(loops) > 4:
        raise unsupported(op, f"the view has {len(loops)} non-contiguous dimensions; at most 4 "
                              "are supported")
    return GatherParams(offset=offset, loops=[(1, 0)] * (4 - len(loops)) + loops)


def emit_gather(ctx, op: Operator, p: GatherParams, src: int, dst: int) -> None:
    if p.run:
        emit_strided_copy(ctx, src, p.offset, dst, p.loops, p.run)
        return
    ctx.call("te_transpose_s8", ctx.ptr(src, p.offset), ctx.ptr(dst),
             *[v for loop in p.loops for v in loop])


def values(g: Graph, i: int) -> list[int]:
    return [int(v) for v in np.asarray(g.t(i).data).reshape(-1)]


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.StridedSliceOptions)
    if o is None:
        return dict(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                    shrink_axis_mask=0, offset=False)
    return dict(begin_mask=o.BeginMask(), end_mask=o.EndMask(), ellipsis_mask=o.EllipsisMask(),
                new_axis_mask=o.NewAxisMask(), shrink_axis_mask=o.ShrinkAxisMask(),
                offset=bool(o.Offset()))


SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False), const_int("begin"),
                       const_int("end"), const_int("strides")),
                      (Operand("output", dtypes=DATA, quantized=False),))


@dataclass
class _Axis:
    start: int
    count: int
    step: int
    shrink: bool


def _dense(g: Graph, op: Operator):
    """Per input dimension (start, count, step, shrink), and the output shape (TensorFlow's
    sparse-to-dense expansion of ellipsis and new axes, then TFLite's per-axis clamping)."""
    shape = list(g.t(op.inputs[0]).shape)
    begin, end, strides = (values(g, i) for i in op.inputs[1:4])
    n = len(begin)
    check_that(len(end) == n and len(strides) == n, op,
               f"begin, end and strides have {n}, {len(end)} and {len(strides)} values")
    o = op.options
    ell, new = o["ellipsis_mask"], o["new_axis_mask"]
    check_that(bin(ell & ((1 << n) - 1)).count("1") <= 1, op, "more than one ellipsis")
    rank = len(shape)
    # sparse spec -> dense: (input dim or None for a new axis, begin, end, stride, masks)
    if not ell & ((1 << n) - 1):
        ell_at = n                         # an implicit ellipsis after the last entry
    else:
        ell_at = next(j for j in range(n) if ell >> j & 1)
    after = sum(1 for j in range(ell_at + 1, n) if not new >> j & 1)
    before = sum(1 for j in range(ell_at) if not new >> j & 1)
    check_that(before + after <= rank, op, f"{before + after} sliced dimensions for an input of "
                                           f"rank {rank}")
    entries, dim = [], 0
    for j in range(n + (ell_at == n)):
        if j == ell_at:
            for _ in range(rank - before - after):
                entries.append((dim, 0, 0, 1, True, True, False))
                dim += 1
        elif new >> j & 1:
            entries.append((None, 0, 0, 1, False, False, False))
        else:
            entries.append((dim, begin[j], end[j], strides[j], bool(o["begin_mask"] >> j & 1),
                            bool(o["end_mask"] >> j & 1), bool(o["shrink_axis_mask"] >> j & 1)))
            dim += 1
    axes, out_shape = [], []
    for d, b, e, s, bm, em, shrink in entries:
        if d is None:
            out_shape.append(1)
            continue
        size = shape[d]
        check_that(s != 0, op, f"stride 0 on dimension {d}")
        start = b + size if b < 0 else b
        start = min(max(start, 0), size) if s > 0 else min(max(start, -1), size - 1)
        if bm:
            start = 0 if s > 0 else size - 1
        if shrink:
            check_that(0 <= start < size, op, f"shrinks dimension {d} at index {b}, out of range "
                                              f"for size {size}")
            if s < 0:
                raise unsupported(op, f"shrinks dimension {d} with a negative stride")
            axes.append(_Axis(start, 1, 1, True))
            continue
        stop = e + start if o["offset"] else e
        stop = stop + size if stop < 0 else stop
        stop = min(max(stop, 0), size) if s > 0 else min(max(stop, -1), size - 1)
        if em:
            stop = size if s > 0 else -1
        count = max(0, -(-(stop - start) // s))
        axes.append(_Axis(start, count, s, False))
        out_shape.append(count)
    return shape, axes, out_shape


def check(g: Graph, op: Operator) -> None:
    _, _, out_shape = _dense(g, op)
    expect_shape(g, op, out_shape, why="begin, end, strides and the masks")


def evaluate(g: Graph, op: Operator) -> list:
    _, axes, out_shape = _dense(g, op)
    x = np.asarray(g.t(op.inputs[0]).data)
    view = x[np.ix_(*[[a.start + k * a.step for k in range(a.count)] for a in axes])]
    return [view.reshape(out_shape)]


def prepare(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    require(inp.dtype != "int64", op, "int64 at run time (int64 constants are folded)")
    shape, axes, _ = _dense(g, op)
    if any(a.count == 0 for a in axes):
        raise invalid(op, "the slice is empty")
    op.params = gather_loops(op, shape, [a.start for a in axes], [a.count for a in axes],
                             [a.step for a in axes], elem_bytes(g, op.inputs[0]))


def emit(ctx, op: Operator) -> None:
    emit_gather(ctx, op, op.params, op.inputs[0], op.outputs[0])


register_dtypes(register(OpDef(
    name="STRIDED_SLICE", stem="strided_slice", read_options=read_options, prepare=prepare,
    emit=emit, kernels=("transpose",), signature=SIGNATURE, check=check, evaluate=evaluate)),
    kernels=("movement",))
