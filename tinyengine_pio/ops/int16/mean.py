"""MEAN int16: TFLM's reduce.cc runs the int8 algorithm for int16 too
(QuantizedMeanOrSum<int16_t, int32_t>: PrepareMeanOrSumHelper's double in_scale / out_scale
multiplier with 1 / count folded in, the int32 sum less zero point x count), so the primary's
host math (ops/mean.py: mean_params) serves; the clamp is int16's (kernels/int16/mean.c). A
reduction whose int32 sum could overflow is refused."""
from __future__ import annotations

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..mean import check, macs, mean_params, read_options
from ..signature import Operand, Signature, const_int
from .common import S16, S16_OUT

SIGNATURE = Signature((Operand("input", dtypes=S16), const_int("axis", ranks=(0, 1))),
                      (S16_OUT,))


def prepare(g: Graph, op: Operator) -> None:
    p = mean_params(g, op)
    worst = p.count * (32768 + abs(p.in_zp))
    require(worst < 1 << 31, op, f"the int32 sum of {p.count} int16 values may overflow")
    op.params = p


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_mean_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in p.kept for v in d], *[v for d in p.red for v in d],
             p.count, p.in_zp, p.mult, p.shift, p.out_zp)


register(OpDef(name="MEAN", stem="mean", dtype="int16", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("mean_s16",), macs=macs,
               signature=SIGNATURE, check=check))
