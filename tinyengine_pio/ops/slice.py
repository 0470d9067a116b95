"""SLICE: constant begin and size (size -1: to the end of the dimension), as TFLM's slice.cc
and reference_ops::Slice; int8, int16, int32 and float32 at run time (a strided view through
the TRANSPOSE kernel, `strided_slice.gather_loops`; wider elements as bytes, ops/movement.py),
constants of any of these and int64 folded at compile time."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require
from .movement import elem_bytes, register_dtypes
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that
from .strided_slice import DATA, emit_gather, gather_loops, values

SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False), const_int("begin"),
                       const_int("size")),
                      (Operand("output", dtypes=DATA, quantized=False),))


def _ranges(g: Graph, op: Operator) -> tuple[list[int], list[int]]:
    shape = list(g.t(op.inputs[0]).shape)
    begin, size = values(g, op.inputs[1]), values(g, op.inputs[2])
    check_that(len(begin) == len(shape) and len(size) == len(shape), op,
               f"begin and size have {len(begin)} and {len(size)} values for an input of rank "
               f"{len(shape)}")
    counts = []
    for d, (b, s, n) in enumerate(zip(begin, size, shape)):
        s = n - b if s == -1 else s
        check_that(0 <= b and 0 <= s and b + s <= n, op,
                   f"begin {b} and size {size[d]} on dimension {d} of size {n}")
        counts.append(s)
    return begin, counts


def check(g: Graph, op: Operator) -> None:
    check_that(g.t(op.inputs[0]).dtype == g.t(op.outputs[0]).dtype, op,
               "the output's dtype differs from the input's")
    _, counts = _ranges(g, op)
    expect_shape(g, op, counts, why="begin and size")


def evaluate(g: Graph, op: Operator) -> list:
    begin, counts = _ranges(g, op)
    x = np.asarray(g.t(op.inputs[0]).data)
    return [x[tuple(slice(b, b + c) for b, c in zip(begin, counts))]]


def prepare(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    require(inp.dtype != "int64", op, "int64 at run time (int64 constants are folded)")
    begin, counts = _ranges(g, op)
    op.params = gather_loops(op, list(inp.shape), begin, counts, [1] * len(counts),
                             elem_bytes(g, op.inputs[0]))


def emit(ctx, op: Operator) -> None:
    emit_gather(ctx, op, op.params, op.inputs[0], op.outputs[0])


register_dtypes(register(OpDef(
    name="SLICE", stem="slice", prepare=prepare, emit=emit, kernels=("transpose",),
    signature=SIGNATURE, check=check, evaluate=evaluate)), kernels=("movement",))
