"""LOG_SOFTMAX int8 -> int8 (output scale 16/256, zero point 127), TFLM's log_softmax.cc with
reference_ops::LogSoftmax's gemmlowp arithmetic.

Host side (PreprocessLogSoftmaxScalingExp, CalculateInputRadius): the input multiplier, the
reverse scaling divisor, diff_min, and two 256-entry tables over the input differences 0..-255:
exp() rescaled to Q12.19 (0 below diff_min) and the difference scaled to Q5.26. The device sums
table entries per row, takes gemmlowp's fixed-point log of the sum and subtracts."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..fixedpoint import exp_on_negative_values
from ..ir import Graph, Operator
from ..quant import multiply_by_quantized_multiplier, quantize_multiplier, rdbpot
from .base import OpDef, register, require, require_int8
from .elementwise import elementwise_access
from .signature import same_shape

SCALED_DIFF_INTEGER_BITS = 5
ACCUMULATION_INTEGER_BITS = 12
OUTPUT_SCALE = float(np.float32(16.0 / 256))


@dataclass
class LogSoftmaxParams:
    outer: int
    depth: int
    exp_q12: list[int]       # exp of difference -k in Q12.19, k = 0..255
    diff_q5: list[int]       # difference -k in Q5.26
    diff_min: int
    reverse_mult: int
    reverse_shift: int       # MultiplyByQuantizedMultiplier shift (<= 0)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(out.zp == 127 and out.s == OUTPUT_SCALE, op,
            f"int8 output must have scale 16/256 and zero point 127 (TFLite's requirement), "
            f"got scale {out.s} zero point {out.zp}")
    # PreprocessSoftmaxScaling (beta 1): QuantizeMultiplierGreaterThanOne
    real = min(inp.s * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    mult, shift = quantize_multiplier(real, max_shift=31)
    require(shift >= 0, op, "input scale too small for TFLite's log-softmax scaling")
    reverse = (1 << (31 - shift)) / float(mult)
    require(0.0 < reverse < 1.0, op, "input scale too small for TFLite's log-softmax scaling "
            "(reverse scaling divisor not below 1)")
    rmult, rshift = quantize_multiplier(reverse)
    diff_min = -math.floor(((1 << SCALED_DIFF_INTEGER_BITS) - 1) *
                           (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << shift))
    exp_q12, diff_q5 = [], []
    for k in range(256):
        q5 = multiply_by_quantized_multiplier(-k, mult, shift)
        diff_q5.append(q5)
        exp_q12.append(rdbpot(exp_on_negative_values(q5, SCALED_DIFF_INTEGER_BITS),
                              ACCUMULATION_INTEGER_BITS) if -k >= diff_min else 0)
    depth = inp.shape[-1]
    op.params = LogSoftmaxParams(outer=inp.size // depth, depth=depth, exp_q12=exp_q12,
                                 diff_q5=diff_q5, diff_min=diff_min, reverse_mult=rmult,
                                 reverse_shift=rshift)


def emit(ctx, op: Operator) -> None:
    p = op.params
    e = ctx.const(np.array(p.exp_q12, np.int64), "int32_t", f"lsexp{op.index}")
    d = ctx.const(np.array(p.diff_q5, np.int64), "int32_t", f"lsdiff{op.index}")
    ctx.call("te_log_softmax_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer,
             p.depth, e, d, p.diff_min, p.reverse_mult, p.reverse_shift)


def macs(g: Graph, op: Operator) -> int:
    return 2 * g.t(op.inputs[0]).size


register(OpDef(name="LOG_SOFTMAX", stem="log_softmax", prepare=prepare, emit=emit,
               kernels=("log_softmax",), macs=macs, access=elementwise_access, check=same_shape))
