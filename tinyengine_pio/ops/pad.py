"""PAD / PADV2 int8 (up to 4-D): fill with the pad value, copy the input rows inside.
Most PADs before a convolution are folded away by passes/fold_pad.py."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require, require_int8


@dataclass
class PadParams:
    in_shape: list[int]       # 4-D
    out_shape: list[int]
    before: list[int]         # padding before each dim
    value: int


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


register(OpDef(name="PAD", stem="pad", prepare=prepare, emit=emit, kernels=("pad",), is_pad=True))
register(OpDef(name="PADV2", stem="pad", prepare=prepare, emit=emit, kernels=("pad",),
               is_pad=True))
