"""PAD / PADV2 int8 (up to 4-D): fill with the pad value, copy the input rows inside.
Most PADs before a convolution are folded away by passes/fold_pad.py."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require, require_int8
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that


@dataclass
class PadParams:
    in_shape: list[int]       # 4-D
    out_shape: list[int]
    before: list[int]         # padding before each dim
    value: int


SIGNATURE = Signature((Operand("input"), const_int("paddings", ranks=(2,))))
SIGNATURE_V2 = Signature((*SIGNATURE.inputs, Operand("constant_values", const=True, quantized=False,
                                                     optional=True)))


def check(g: Graph, op: Operator) -> None:
    inp, pads = g.t(op.inputs[0]), g.t(op.inputs[1])
    rank = len(inp.shape)
    check_that(list(pads.shape) == [rank, 2], op, f"paddings have shape {list(pads.shape)}, "
                                                  f"expected [{rank}, 2] for the rank-{rank} input")
    p = np.asarray(pads.data, dtype=np.int64).reshape(rank, 2)
    check_that(bool((p >= 0).all()), op, f"negative paddings {p.tolist()}")
    expect_shape(g, op, [d + int(a) + int(b) for d, (a, b) in zip(inp.shape, p)],
                 why=f"paddings {p.tolist()}")
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        check_that(g.t(op.inputs[2]).size == 1, op, "constant_values must hold one value")


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, pads, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(pads.is_const, op, "paddings must be a constant tensor")
    p = np.asarray(pads.data, dtype=np.int64).reshape(-1, 2)
    rank = len(inp.shape)
    require(p.shape[0] == rank and rank <= 4, op, "paddings must match an input of rank <= 4")
    require(bool((p >= 0).all()), op, "negative paddings are not supported")
    value = out.zp
    if op.kind == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        cv = g.t(op.inputs[2])
        require(cv.is_const, op, "constant_values must be a constant tensor")
        value = int(np.asarray(cv.data).reshape(-1)[0])
    in_shape = [1] * (4 - rank) + list(inp.shape)
    p4 = [[0, 0]] * (4 - rank) + p.tolist()
    out_shape = [d + a + b for d, (a, b) in zip(in_shape, p4)]
    require(int(np.prod(out_shape)) == out.size, op, "output shape does not match the paddings")
    op.params = PadParams(in_shape=in_shape, out_shape=out_shape, before=[a for a, _ in p4],
                          value=value)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_pad_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), *p.in_shape,
             *p.out_shape, *p.before, p.value)


register(OpDef(name="PAD", stem="pad", prepare=prepare, emit=emit, kernels=("pad",), is_pad=True,
               signature=SIGNATURE, check=check))
register(OpDef(name="PADV2", stem="pad", prepare=prepare, emit=emit, kernels=("pad",),
               is_pad=True,
               signature=SIGNATURE_V2, check=check))
