"""LOGISTIC int8 (output zero point -128): TFLM's gemmlowp algorithm, tabulated on the host."""
from __future__ import annotations

import math

from .. import fixedpoint as fx
from ..ir import Graph, Operator
from ..quant import multiply_by_quantized_multiplier, rdbpot, tflite_round
from .base import OpDef, register, require
from .elementwise import elementwise_access
from .lut import emit_table, prepare_table
from .signature import same_shape

INPUT_INTEGER_BITS = 4


def input_scaling(scale: float) -> tuple[int, int, int]:
    """frexp-based multiplier (no 2^31 fix-up, as TFLM's logistic/tanh Prepare) and radius."""
    q, shift = math.frexp(scale * (1 << (31 - INPUT_INTEGER_BITS)))
    mult = fx._wrap(int(tflite_round(q * (1 << 31))))
    radius = math.floor(((1 << INPUT_INTEGER_BITS) - 1) * (1 << (31 - INPUT_INTEGER_BITS))
                        / (1 << shift)) if shift >= 0 else (1 << 31) - 1
    return mult, shift, radius


def saturating_table_fn(zero_point: int, scale: float, core, out_bits: int, out_offset: int):
    """Per-byte function shared by LOGISTIC and TANH: saturate outside TFLM's input radius,
    else rescale to Q4.27, apply the gemmlowp core (Q0.31 out) and round to out_bits."""
    mult, shift, radius = input_scaling(scale)

    def fn(q: int) -> int:
        x = q - zero_point
        if x <= -radius:
            return -128
        if x >= radius:
            return 127
        v = core(multiply_by_quantized_multiplier(x, mult, shift), INPUT_INTEGER_BITS)
        return max(-128, min(127, rdbpot(v, 31 - out_bits) + out_offset))
    return fn


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(out.zp == -128, op, f"output zero point must be -128 (TFLite's requirement), got {out.zp}")
    prepare_table(g, op, saturating_table_fn(inp.zp, inp.s, fx.logistic, 8, -128))


register(OpDef(name="LOGISTIC", stem="logistic", prepare=prepare, emit=emit_table, kernels=("lut",),
               access=elementwise_access,
               check=same_shape))
