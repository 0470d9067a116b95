"""RELU (requantizing, TFLM ReluQuantized) and RELU6 (clamp in the input's quantization)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from ..quant import f32, quantize_multiplier, quantize_value
from .base import OpDef, register, require_int8
from .elementwise import elementwise_access
from .signature import same_shape


@dataclass
class ReluParams:
    """RELU: requantize, then clamp to [act_min, act_max]."""
    n: int
    in_zp: int
    out_off: int
    mult: int
    shift: int
    act_min: int
    act_max: int


@dataclass
class ClampParams:
    """RELU6 in the input's quantization: clamp to [lo, hi]."""
    n: int
    lo: int
    hi: int


def prepare_relu(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    m, s = quantize_multiplier(f32(np.float32(inp.s) / np.float32(out.s)))
    op.params = ReluParams(n=out.size, in_zp=inp.zp, out_off=out.zp, mult=m, shift=s,
                           act_min=max(-128, out.zp), act_max=127)


def emit_relu(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_relu_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.in_zp,
             p.mult, p.shift, p.out_off, p.act_min, p.act_max)


def prepare_relu6(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp = g.t(op.inputs[0])
    # TFLM's FloatToQuantizedType saturates: when 6.0 lies above the input's range this is a RELU
    six = min(127, quantize_value(inp.s, inp.zp, 6.0))
    op.params = ClampParams(n=inp.size, lo=inp.zp, hi=six)


def emit_relu6(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_clamp_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.lo, p.hi)


register(OpDef(name="RELU", stem="relu", prepare=prepare_relu, emit=emit_relu, kernels=("relu",),
               access=elementwise_access, activation="RELU",
               check=same_shape))
register(OpDef(name="RELU6", stem="relu", prepare=prepare_relu6, emit=emit_relu6, kernels=("relu",),
               access=elementwise_access, activation="RELU6",
               check=same_shape))
