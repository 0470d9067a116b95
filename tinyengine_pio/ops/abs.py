"""ABS int8 (TFLM elementwise.cc AbsEvalQuantized: |x - input zero point|, rescaled by
input / output scale when the two differ, plus the output zero point, clamped), tabulated on the
host: 256 entries, one load per element on the device."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, Operator
from ..quant import f32, multiply_by_quantized_multiplier, quantize_multiplier
from .base import OpDef, register
from .elementwise import elementwise_access
from .lut import emit_table, prepare_table
from .signature import same_shape


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    rescale = np.float32(inp.s) != np.float32(out.s)
    # SetAbsOutputMultiplier: the ratio in float, then QuantizeMultiplier
    mult, shift = quantize_multiplier(f32(np.float32(inp.s) / np.float32(out.s))) if rescale \
        else (0, 0)

    def fn(q: int) -> int:
        v = abs(q - inp.zp)
        if rescale:
            v = multiply_by_quantized_multiplier(v, mult, shift)
        return max(-128, min(127, v + out.zp))
    prepare_table(g, op, fn)


register(OpDef(name="ABS", stem="abs", prepare=prepare, emit=emit_table, kernels=("lut",),
               access=elementwise_access, check=same_shape))
