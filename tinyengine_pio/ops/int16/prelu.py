"""PRELU int16 (int8 alpha, as TFLM's PreluPrepare requires for an int16 output): TFLM's
prelu.cc runs reference_ops::BroadcastPrelu4DSlow<int16_t, int8_t>, the int8 arithmetic
(CalculatePreluParams' double multipliers in / out and in * alpha / out; x - zero point >= 0
rescaled by the first, else (x - zp) * (alpha - alpha zp) by the second, plus the output zero
point; any zero points) clamped to int16. The int8 parameters (ops/prelu.py) serve;
kernels/int16/prelu.c."""
from __future__ import annotations

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..elementwise import check_broadcast, elementwise_access
from ..prelu import PreluParams, macs, prelu_params
from ..signature import Operand, Signature
from .common import S16

# an int16 alpha selects this implementation too, to be refused by name in prepare
SIGNATURE = Signature((Operand("input", dtypes=S16), Operand("alpha", dtypes=("int8", "int16"))),
                      (Operand("output", dtypes=S16),))


def prepare(g: Graph, op: Operator) -> None:
    alpha = g.t(op.inputs[1])
    require(alpha.dtype == "int8", op, f"the alpha is {alpha.dtype}; TFLM's int16 PRELU "
                                       "requires an int8 alpha")
    op.params = prelu_params(g, op)


def emit(ctx, op: Operator) -> None:
    p: PreluParams = op.params
    for ba, bb, bo in p.loops.bases:
        ctx.call("te_prelu_s16", ctx.ptr(op.inputs[0], 2 * ba), ctx.ptr(op.inputs[1], bb),
                 ctx.ptr(op.outputs[0], 2 * bo), *p.loops.loop_args(), p.in_off, p.alpha_off,
                 p.mult_1, p.shift_1, p.mult_2, p.shift_2, p.out_off)


register(OpDef(name="PRELU", stem="prelu", dtype="int16", prepare=prepare, emit=emit,
               kernels=("prelu_s16",), macs=macs, access=elementwise_access,
               signature=SIGNATURE, check=check_broadcast))
