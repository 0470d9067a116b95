"""LEAKY_RELU int8 (TFLM leaky_relu_common.cc + reference_ops::QuantizeLeakyRelu: one
multiplier for x >= zero point, another, alpha times the rescaling, below it), tabulated on the
host: 256 entries, one load per element on the device."""
from __future__ import annotations

import numpy as np
import tflite

from ..ir import Graph, Operator
from ..quant import f32, multiply_by_quantized_multiplier, quantize_multiplier
from .base import OpDef, options_table, register
from .elementwise import elementwise_access
from .lut import emit_table, prepare_table
from .signature import same_shape


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.LeakyReluOptions)
    return {"alpha": float(o.Alpha()) if o else 0.0}


def multipliers(in_s: float, out_s: float, alpha: float):
    """CalculateOpDataLeakyRelu: the products in float, then QuantizeMultiplier (double)."""
    am, ash = quantize_multiplier(f32(np.float32(in_s) * np.float32(alpha) / np.float32(out_s)))
    im, ish = quantize_multiplier(f32(np.float32(in_s) / np.float32(out_s)))
    return am, ash, im, ish


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    am, ash, im, ish = multipliers(inp.s, out.s, op.options.get("alpha", 0.0))

    def fn(q: int) -> int:
        x = q - inp.zp
        if x >= 0:
            v = multiply_by_quantized_multiplier(x, im, ish)
        else:
            # a negative alpha: TFLM multiplies by |multiplier| and negates the product
            v = multiply_by_quantized_multiplier(x, abs(am), ash)
            v = -v if am < 0 else v
        return max(-128, min(127, out.zp + v))
    prepare_table(g, op, fn)


register(OpDef(name="LEAKY_RELU", stem="leaky_relu", read_options=read_options, prepare=prepare,
               emit=emit_table, kernels=("lut",), access=elementwise_access, check=same_shape))
