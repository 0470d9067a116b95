"""SPLIT and SPLIT_V: several outputs along one constant axis (SPLIT: `num_splits` equal parts;
SPLIT_V: `size_splits`, one of them -1 for the rest), as TFLM's split.cc / split_v.cc (bytes
copied, no requantization): int8, int16, int32 and float32 (wider elements as bytes,
ops/movement.py); constants of these and int64 folded at compile time.

Where every dimension before the axis is 1, each output is a contiguous run of the input's
bytes: the outputs become views of the input at byte offsets (Tensor.alias_of + alias_offset,
made by passes/alias_reshape.py through `OpDef.alias` = `views`), no copy and no code; the
planner keeps the input's buffer alive until the last read of any view (planner/policy.py
lifetimes go by storage). Views are made only at offsets that keep the arena's 4-byte
alignment. Otherwise each output is a strided copy through the TRANSPOSE kernel."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import DTYPE_BYTES, Graph, Operator
from .base import OpDef, options_table, register, require
from .movement import register_dtypes
from .signature import Operand, Signature, axis_in, const_int, expect_shape
from .signature import check as check_that
from .strided_slice import DATA, GatherParams, emit_gather, gather_loops

ALIGN = 4


@dataclass
class SplitParams:
    views: list[GatherParams]    # one per output


def read_split_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.SplitOptions)
    return dict(num_splits=o.NumSplits() if o else 0)


def read_split_v_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.SplitVOptions)
    return dict(num_splits=o.NumSplits() if o else 0)


_OUT = (Operand("output", dtypes=DATA, quantized=False),)
SPLIT_SIGNATURE = Signature((const_int("axis", ranks=(0, 1)),
                             Operand("input", dtypes=DATA, quantized=False)), _OUT,
                            variadic_outputs=True)
SPLIT_V_SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False),
                               const_int("size_splits"), const_int("axis", ranks=(0, 1))), _OUT,
                              variadic_outputs=True)


def _input(op: Operator) -> int:
    return op.inputs[1] if op.kind == "SPLIT" else op.inputs[0]


def _axis_sizes(g: Graph, op: Operator) -> tuple[int, list[int]]:
    """The normalised axis and each output's size along it."""
    inp = g.t(_input(op))
    shape = list(inp.shape)
    check_that(len(shape) >= 1, op, "the input is a scalar")
    axis_t = g.t(op.inputs[0] if op.kind == "SPLIT" else op.inputs[2])
    a = np.asarray(axis_t.data).reshape(-1)
    check_that(a.size == 1, op, f"axis has {a.size} values, expected 1")
    axis = axis_in(op, int(a[0]), len(shape))
    n, dim = len(op.outputs), shape[axis]
    check_that(op.options["num_splits"] in (0, n), op,
               f"num_splits {op.options['num_splits']} for {n} outputs")
    if op.kind == "SPLIT":
        check_that(dim % n == 0, op, f"dimension {axis} of size {dim} does not split into {n} "
                                     "equal parts")
        return axis, [dim // n] * n
    sizes = [int(v) for v in np.asarray(g.t(op.inputs[1]).data).reshape(-1)]
    check_that(len(sizes) == n, op, f"{len(sizes)} size_splits for {n} outputs")
    check_that(sizes.count(-1) <= 1 and all(s >= 0 or s == -1 for s in sizes), op,
               f"size_splits {sizes}: sizes must be non-negative, with at most one -1")
    if -1 in sizes:
        sizes[sizes.index(-1)] = dim - sum(s for s in sizes if s != -1)
    check_that(sum(sizes) == dim and min(sizes) >= 0, op,
               f"size_splits {sizes} do not add up to dimension {axis} of size {dim}")
    return axis, sizes


def check(g: Graph, op: Operator) -> None:
    inp = g.t(_input(op))
    axis, sizes = _axis_sizes(g, op)
    for pos, (o, s) in enumerate(zip(op.outputs, sizes)):
        check_that(g.t(o).dtype == inp.dtype, op, f"output {pos} is {g.t(o).dtype}, the input "
                                                  f"{inp.dtype}")
        expect_shape(g, op, [s if d == axis else n for d, n in enumerate(inp.shape)], pos,
                     why=f"part {pos} along axis {axis}")


def evaluate(g: Graph, op: Operator) -> list:
    axis, sizes = _axis_sizes(g, op)
    return np.split(np.asarray(g.t(_input(op)).data), np.cumsum(sizes)[:-1], axis=axis)


def _layout(g: Graph, op: Operator):
    inp = g.t(_input(op))
    axis, sizes = _axis_sizes(g, op)
    outer = int(np.prod(inp.shape[:axis], dtype=np.int64))
    inner = int(np.prod(inp.shape[axis + 1:], dtype=np.int64))
    starts = [int(v) for v in np.cumsum([0] + sizes[:-1])]
    return inp, axis, sizes, starts, outer, inner


def views(g: Graph, op: Operator):
    """[(output, input, byte offset)] when the outputs can be views of the input, else None."""
    inp, _axis, _sizes, starts, outer, inner = _layout(g, op)
    if inp.is_const or outer != 1:
        return None
    offsets = [s * inner * DTYPE_BYTES[inp.dtype] for s in starts]
    if any(off % ALIGN for off in offsets):
        return None
    return [(o, _input(op), off) for o, off in zip(op.outputs, offsets)]


def prepare(g: Graph, op: Operator) -> None:
    inp, axis, sizes, starts, _outer, _inner = _layout(g, op)
    require(inp.dtype != "int64", op, "int64 at run time (int64 constants are folded)")
    shape = list(inp.shape)
    op.params = SplitParams(views=[
        gather_loops(op, shape, [st if d == axis else 0 for d in range(len(shape))],
                     [s if d == axis else n for d, n in enumerate(shape)], [1] * len(shape),
                     DTYPE_BYTES[inp.dtype])
        for s, st in zip(sizes, starts)])


def emit(ctx, op: Operator) -> None:
    for view, o in zip(op.params.views, op.outputs):
        emit_gather(ctx, op, view, _input(op), o)


register_dtypes(register(OpDef(
    name="SPLIT", stem="split", read_options=read_split_options, prepare=prepare, emit=emit,
    kernels=("transpose",), alias=views, signature=SPLIT_SIGNATURE, check=check,
    evaluate=evaluate)), kernels=("movement",))
register_dtypes(register(OpDef(
    name="SPLIT_V", stem="split", read_options=read_split_v_options, prepare=prepare, emit=emit,
    kernels=("transpose",), alias=views, signature=SPLIT_V_SIGNATURE, check=check,
    evaluate=evaluate)), kernels=("movement",))
