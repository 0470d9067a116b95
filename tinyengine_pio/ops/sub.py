"""SUB int8 with TFLM's rescaling (sub_common.cc: left shift 20, per-input multipliers, the
difference requantized) and broadcasting; int32 / int64 constants (shape arithmetic) fold."""
from __future__ import annotations

import numpy as np
import tflite

from ..errors import ScaleError
from ..ir import Graph, Operator
from ..quant import activation_range, multiply_by_quantized_multiplier
from .add import AddParams, rescale_params
from .base import OpDef, activation_name, options_table, register, require_int8
from .elementwise import (
    broadcast_4d,
    broadcast_values,
    check_typed_broadcast,
    elementwise_access,
    integer_binary_signature,
)
from .quantized import clamp_range
from .signature import invalid


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.SubOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    loops = broadcast_4d(op, a.shape, b.shape, out.shape)
    lo, hi = clamp_range(g, op)
    op.params = rescale_params(g, op, loops, lo, hi)


def sub_int8(p: AddParams, x: int, y: int) -> int:
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
            p = rescale_params(g, op, None, lo, hi)
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
