"""SELECT_V2: out = condition ? x : y with the three operands broadcast (TFLM select.cc:
reference_ops::Select for equal shapes, BroadcastSelect5DSlow otherwise; the condition is bool,
x, y and the output share a dtype and no requantization happens: the chosen element's bytes are
copied). One byte kernel for every dtype: int8, and int16, int32 and float32 through
ops/movement.py's register_dtypes. Constant operands fold (numpy where)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import DTYPE_BYTES, Graph, Operator
from .base import OpDef, register, require
from .movement import bptr, register_dtypes
from .signature import Operand, Signature, expect_shape
from .signature import check as check_that

SIGNATURE = Signature((Operand("condition", dtypes=("bool",), quantized=False),
                       Operand("x"), Operand("y")))


@dataclass
class SelectParams:
    dims: list[int]                      # the 4 innermost output dims
    strides: list[list[int]]             # element strides of condition, x, y (0 = broadcast)
    bases: list[tuple[int, int, int, int]]   # element offsets (cond, x, y, out) per call
    elem: int


def _padded(shape, rank):
    return [1] * (rank - len(shape)) + list(shape)


def check(g: Graph, op: Operator) -> None:
    shapes = [list(g.t(i).shape) for i in op.inputs[:3]]
    rank = max(len(s) for s in shapes)
    padded = [_padded(s, rank) for s in shapes]
    out = [max(d) for d in zip(*padded)]
    check_that(all(d in (1, o) for s in padded for d, o in zip(s, out)), op,
               f"condition, x and y shapes {shapes} do not broadcast")
    xt, yt = g.t(op.inputs[1]), g.t(op.inputs[2])
    check_that(xt.dtype == yt.dtype, op, f"x and y types differ ({xt.dtype}, {yt.dtype})")
    expect_shape(g, op, out, why="the operands' broadcast shape")


def prepare(g: Graph, op: Operator) -> None:
    out = list(g.t(op.outputs[0]).shape)
    rank = max(4, len(out))
    o = _padded(out, rank)
    strides = []
    for i in op.inputs[:3]:
        s = _padded(g.t(i).shape, rank)
        st, acc = [0] * rank, 1
        for k in range(rank - 1, -1, -1):
            st[k] = acc if s[k] > 1 else 0
            acc *= s[k]
        strides.append(st)
    so, acc = [0] * rank, 1
    for k in range(rank - 1, -1, -1):
        so[k], acc = acc, acc * o[k]
    outer = rank - 4
    bases = [(0, 0, 0, 0)]
    for k in range(outer):
        bases = [(c + j * strides[0][k], x + j * strides[1][k], y + j * strides[2][k],
                  b + j * so[k]) for c, x, y, b in bases for j in range(o[k])]
    require(len(bases) <= 4096, op, "broadcast needs more than 4096 kernel calls")
    op.params = SelectParams(dims=o[outer:], strides=[s[outer:] for s in strides], bases=bases,
                             elem=DTYPE_BYTES[g.t(op.outputs[0]).dtype])


def emit(ctx, op: Operator) -> None:
    p = op.params
    c, x, y = op.inputs[:3]
    for bc, bx, by, bo in p.bases:
        ctx.call("te_select_v2", ctx.ptr(c, bc), bptr(ctx, x, bx * p.elem),
                 bptr(ctx, y, by * p.elem), bptr(ctx, op.outputs[0], bo * p.elem), *p.dims,
                 *[v for s in p.strides for v in s], p.elem)


def evaluate(g: Graph, op: Operator) -> list:
    c, x, y = (np.asarray(g.t(i).data) for i in op.inputs[:3])
    return [np.where(c.astype(bool), x, y).reshape(g.t(op.outputs[0]).shape)]


register_dtypes(register(OpDef(name="SELECT_V2", stem="select_v2", prepare=prepare, emit=emit,
                               kernels=("select_v2",), signature=SIGNATURE, check=check,
                               evaluate=evaluate)))
