"""SUB int8 with TFLM's rescaling (sub_common.cc: left shift 20, per-input multipliers, the
difference requantized) and broadcasting; int32 / int64 constants (shape arithmetic) fold."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..errors import ScaleError
from ..ir import Graph, Operator
from ..quant import (
    activation_range,
    multiply_by_quantized_multiplier,
    quantize_multiplier_smaller_than_one_exp,
)
from .base import OpDef, activation_name, options_table, register, require_int8
from .elementwise import (
    Broadcast,
    broadcast_4d,
    broadcast_values,
    check_typed_broadcast,
    elementwise_access,
    integer_binary_signature,
)
from .quantized import clamp_range
from .signature import invalid

LEFT_SHIFT = 20


@dataclass
class SubParams:
    """TFLM's int8 SUB: each input offset, shifted left and rescaled, the difference
    requantized."""
    loops: Broadcast | None
    a_off: int
    a_mult: int
    a_shift: int
    b_off: int
    b_mult: int
    b_shift: int
    left_shift: int
    out_mult: int
    out_shift: int
    out_off: int
    act_min: int
    act_max: int


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.SubOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def _params(g: Graph, op: Operator, loops, lo: int, hi: int) -> SubParams:
    """CalculateOpDataSub. The products are taken in double, as ADD's are: the TFLM build
    the tests run against matches that on every input pair, the float arithmetic its source
    spells does not."""
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    twice_max = 2 * max(a.s, b.s)
    am, ash = quantize_multiplier_smaller_than_one_exp(a.s / twice_max)
    bm, bsh = quantize_multiplier_smaller_than_one_exp(b.s / twice_max)
    om, osh = quantize_multiplier_smaller_than_one_exp(twice_max / ((1 << LEFT_SHIFT) * out.s))
    return SubParams(loops, a_off=-a.zp, a_mult=am, a_shift=ash, b_off=-b.zp, b_mult=bm,
                     b_shift=bsh, left_shift=LEFT_SHIFT, out_mult=om, out_shift=osh,
                     out_off=out.zp, act_min=lo, act_max=hi)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    loops = broadcast_4d(op, a.shape, b.shape, out.shape)
    lo, hi = clamp_range(g, op)
    op.params = _params(g, op, loops, lo, hi)


def sub_int8(p: SubParams, x: int, y: int) -> int:
    """reference_ops::SubElementwise for one int8 pair (the host reference)."""
    sa = multiply_by_quantized_multiplier((x + p.a_off) * (1 << p.left_shift), p.a_mult, p.a_shift)
    sb = multiply_by_quantized_multiplier((y + p.b_off) * (1 << p.left_shift), p.b_mult, p.b_shift)
    r = multiply_by_quantized_multiplier(sa - sb, p.out_mult, p.out_shift) + p.out_off
    return max(p.act_min, min(p.act_max, r))


INT_ACTIVATIONS = {"NONE": (None, None), "RELU": (0, None), "RELU6": (0, 6),
                   "RELU_N1_TO_1": (-1, 1)}


def evaluate(g: Graph, op: Operator) -> list:
    a, b = broadcast_values(g, op)
    act = op.options.get("activation", "NONE")
    out = g.t(op.outputs[0])
    if out.dtype == "int8":
        lo, hi = activation_range(act, out.s, out.zp)
        try:
            p = _params(g, op, None, lo, hi)
        except ScaleError as e:     # folded in validate.py, before requantize
            raise invalid(op, f"its quantization cannot be run: {e}") from None
        return [np.vectorize(lambda x, y: sub_int8(p, int(x), int(y)), otypes=[np.int64])(a, b)]
    wide = np.int32 if out.dtype == "int32" else np.int64
    r = (a.astype(np.int64) - b.astype(np.int64)).astype(wide)      # wraps as C does
    lo, hi = INT_ACTIVATIONS[act]
    return [np.clip(r, lo, hi) if (lo, hi) != (None, None) else r]


def emit(ctx, op: Operator) -> None:
    p = op.params
    for ba, bb, bo in p.loops.bases:
        ctx.call("te_sub_s8", ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb),
                 ctx.ptr(op.outputs[0], bo), *p.loops.loop_args(), p.a_off, p.a_mult, p.a_shift,
                 p.b_off, p.b_mult, p.b_shift, p.left_shift, p.out_mult, p.out_shift, p.out_off,
                 p.act_min, p.act_max)


register(OpDef(name="SUB", stem="sub", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("sub",), access=elementwise_access, fuses_activation=True,
               signature=integer_binary_signature(), check=check_typed_broadcast,
               evaluate=evaluate))
