"""PRELU int8 with a broadcast alpha tensor (TFLM prelu_common.cc CalculatePreluParams and
reference_ops::BroadcastPrelu4DSlow / Prelu: x >= zero point rescaled by in / out scale, below
it (x - zp) * (alpha - alpha zp) rescaled by in * alpha / out scale)."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from ..quant import quantize_multiplier
from .base import OpDef, register, require_int8
from .elementwise import Broadcast, broadcast_4d, check_broadcast, elementwise_access
from .signature import Operand, Signature

SIGNATURE = Signature((Operand("input"), Operand("alpha")))


@dataclass
class PreluParams:
    loops: Broadcast
    in_off: int
    alpha_off: int
    mult_1: int
    shift_1: int
    mult_2: int
    shift_2: int
    out_off: int


def prelu_params(g: Graph, op: Operator) -> PreluParams:
    """CalculatePreluParams (double products of the float scales) and the loop nest; the int16
    implementation (ops/int16/prelu.py) uses them too."""
    x, alpha, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    m1, s1 = quantize_multiplier(x.s / out.s)
    m2, s2 = quantize_multiplier(x.s * alpha.s / out.s)
    return PreluParams(broadcast_4d(op, x.shape, alpha.shape, out.shape), in_off=-x.zp,
                       alpha_off=-alpha.zp, mult_1=m1, shift_1=s1, mult_2=m2, shift_2=s2,
                       out_off=out.zp)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    op.params = prelu_params(g, op)


def emit(ctx, op: Operator) -> None:
    p = op.params
    for ba, bb, bo in p.loops.bases:
        ctx.call("te_prelu_s8", ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb),
                 ctx.ptr(op.outputs[0], bo), *p.loops.loop_args(), p.in_off, p.alpha_off,
                 p.mult_1, p.shift_1, p.mult_2, p.shift_2, p.out_off)


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.outputs[0]).size


register(OpDef(name="PRELU", stem="prelu", prepare=prepare, emit=emit, kernels=("prelu",),
               macs=macs, access=elementwise_access, signature=SIGNATURE,
               check=check_broadcast))
