"""RSQRT int8 (TFLM elementwise.cc RsqrtEvalQuantized): 1 / sqrt(x - input zero point) with
GetInvSqrtQuantizedMultiplierExp's integer Newton-Raphson, scaled by 1 / (sqrt(input scale) *
output scale) (SetRsqrtOutputMultiplier), plus the output zero point, clamped; tabulated on the
host for all 256 input bytes (kernels/lut.c does one load per element).

TFLM stops with "Rsqrt is only defined for positive values" on an input below the input zero
point; there the table holds 127 (the value TFLM gives for x == zero point)."""
from __future__ import annotations

import math

import numpy as np

from ..fixedpoint import inv_sqrt_quantized_multiplier_exp
from ..ir import Graph, Operator
from ..quant import multiply_by_quantized_multiplier, quantize_multiplier
from .base import OpDef, register, require
from .elementwise import elementwise_access
from .lut import emit_table, prepare_table
from .signature import same_shape

K_SHIFT = 20            # RsqrtEvalQuantized's kShift
K_REVERSE_SHIFT = -1


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    # SetRsqrtOutputMultiplier: sqrtf(input_scale) * output_scale in float, 1. / that in double
    prod = np.float32(np.sqrt(np.float32(inp.s))) * np.float32(out.s)
    real = 1.0 / float(prod)
    require(math.isfinite(real), op, "1 / (sqrt(input scale) * output scale) is not finite")
    mult, shift = quantize_multiplier(real)
    require(shift - K_SHIFT >= -31, op,
            f"output scale too large for TFLite's RSQRT rescaling (shift {shift - K_SHIFT} < -31)")

    def fn(q: int) -> int:
        value = q - inp.zp
        if value <= 0:     # 0: TFLM's maximum; below: TFLM refuses the input at run time
            return 127
        inv, inv_shift = inv_sqrt_quantized_multiplier_exp(value, K_REVERSE_SHIFT)
        data = multiply_by_quantized_multiplier(1, inv, inv_shift + K_SHIFT)
        v = multiply_by_quantized_multiplier(data, mult, shift - K_SHIFT) + out.zp
        return max(-128, min(127, v))
    prepare_table(g, op, fn)


register(OpDef(name="RSQRT", stem="rsqrt", prepare=prepare, emit=emit_table, kernels=("lut",),
               access=elementwise_access, check=same_shape))
