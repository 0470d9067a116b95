"""TANH int8: TFLM's gemmlowp algorithm (output in Q0.7), tabulated on the host."""
from __future__ import annotations

from .. import fixedpoint as fx
from ..ir import Graph, Operator
from ..quant import multiply_by_quantized_multiplier, rdbpot
from .base import OpDef, register
from .logistic import INPUT_INTEGER_BITS, input_scaling
from .lut import emit_table, prepare_table


def prepare(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    mult, shift, radius = input_scaling(inp.s)

    def fn(q: int) -> int:
        x = q - inp.zp
        if x <= -radius:
            return -128
        if x >= radius:
            return 127
        v = fx.tanh(multiply_by_quantized_multiplier(x, mult, shift), INPUT_INTEGER_BITS)
        return max(-128, min(127, rdbpot(v, 31 - 7)))
    prepare_table(g, op, fn)


register(OpDef(name="TANH", stem="tanh", prepare=prepare, emit=emit_table, kernels=("lut",)))
