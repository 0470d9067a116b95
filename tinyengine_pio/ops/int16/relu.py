"""RELU and RELU6 int16 as TFLM's activations_common.cc: RELU requires zero points 0 and
requantizes (QuantizeMultiplier of the float ratio of the scales, clamp to [0, 32767]); RELU6
clamps in the input's quantization to [zero point, FloatToQuantizedType(6)] (saturated to
int16), whatever the output's quantization (kernels/int16/relu.c)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ...quant import f32, quantize_multiplier, quantize_value
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..signature import same_shape
from .common import INT16_MAX, S16_UNARY


@dataclass
class Int16ReluParams:
    n: int
    mult: int
    shift: int


@dataclass
class Int16ClampParams:
    n: int
    lo: int
    hi: int


def prepare_relu(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.zp == 0 and out.zp == 0, op, "int16 RELU needs zero points 0 (TFLM requires them)")
    m, s = quantize_multiplier(f32(np.float32(inp.s) / np.float32(out.s)))
    op.params = Int16ReluParams(out.size, m, s)


def emit_relu(ctx, op: Operator) -> None:
    p: Int16ReluParams = op.params
    ctx.call("te_relu_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.mult,
             p.shift, 0, INT16_MAX)


def prepare_relu6(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    six = min(INT16_MAX, quantize_value(inp.s, inp.zp, 6.0))
    op.params = Int16ClampParams(inp.size, inp.zp, six)


def emit_relu6(ctx, op: Operator) -> None:
    p: Int16ClampParams = op.params
    ctx.call("te_clamp_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.lo, p.hi)


for _name, _prepare, _emit in (("RELU", prepare_relu, emit_relu),
                               ("RELU6", prepare_relu6, emit_relu6)):
    register(OpDef(name=_name, stem="relu", dtype="int16", prepare=_prepare, emit=_emit,
                   kernels=("relu_s16",), access=elementwise_access, signature=S16_UNARY,
                   check=same_shape))
