"""ADD int8 with TFLite's rescaling (left shift 20, per-input multipliers) and broadcasting."""
from __future__ import annotations

import tflite

from ..ir import Graph, Operator
from ..quant import quantize_multiplier_smaller_than_one_exp
from .base import OpDef, activation_name, options_table, register, require_int8
from .common import broadcast_4d, clamp_range, elementwise_access


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.AddOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    left_shift = 20
    twice_max = 2 * max(a.s, b.s)
    am, ash = quantize_multiplier_smaller_than_one_exp(a.s / twice_max)
    bm, bsh = quantize_multiplier_smaller_than_one_exp(b.s / twice_max)
    om, osh = quantize_multiplier_smaller_than_one_exp(twice_max / ((1 << left_shift) * out.s))
    loops = broadcast_4d(op, a.shape, b.shape, out.shape)
    lo, hi = clamp_range(g, op)
    op.params.update(**loops, a_off=-a.zp, a_mult=am, a_shift=ash, b_off=-b.zp,
                     b_mult=bm, b_shift=bsh, left_shift=left_shift, out_mult=om, out_shift=osh,
                     out_off=out.zp, act_min=lo, act_max=hi)


def emit(ctx, op: Operator) -> None:
    p = op.params
    for ba, bb, bo in p["bases"]:
        ctx.call("te_add_s8", ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb),
                 ctx.ptr(op.outputs[0], bo),
                 *p["dims"], *p["sa"], *p["sb"], p["a_off"], p["a_mult"], p["a_shift"], p["b_off"],
                 p["b_mult"], p["b_shift"], p["left_shift"], p["out_mult"], p["out_shift"], p["out_off"],
                 p["act_min"], p["act_max"])


register(OpDef(name="ADD", stem="add", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("add",),
               access=elementwise_access))
