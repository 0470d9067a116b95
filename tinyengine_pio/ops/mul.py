"""MUL int8 with broadcasting: out = requant((a - za) * (b - zb)) + zo."""
from __future__ import annotations

from dataclasses import dataclass

import tflite

from ..ir import Graph, Operator
from ..quant import quantize_multiplier
from .base import OpDef, activation_name, options_table, register, require_int8
from .elementwise import Broadcast, broadcast_4d, check_broadcast, elementwise_access
from .quantized import clamp_range
from .signature import BINARY


@dataclass
class MulParams:
    loops: Broadcast
    a_off: int
    b_off: int
    out_mult: int
    out_shift: int
    out_off: int
    act_min: int
    act_max: int


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.MulOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    m, s = quantize_multiplier(a.s * b.s / out.s)
    loops = broadcast_4d(op, a.shape, b.shape, out.shape)
    lo, hi = clamp_range(g, op)
    op.params = MulParams(loops, a_off=-a.zp, b_off=-b.zp, out_mult=m, out_shift=s,
                          out_off=out.zp, act_min=lo, act_max=hi)


def emit(ctx, op: Operator) -> None:
    p = op.params
    lp = p.loops
    for ba, bb, bo in lp.bases:
        ctx.call("te_mul_s8", ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb),
                 ctx.ptr(op.outputs[0], bo),
                 *lp.loop_args(), p.a_off, p.b_off, p.out_mult, p.out_shift,
                 p.out_off, p.act_min, p.act_max)


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.outputs[0]).size


register(OpDef(name="MUL", stem="mul", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("mul",), macs=macs, access=elementwise_access, fuses_activation=True,
               signature=BINARY, check=check_broadcast))
