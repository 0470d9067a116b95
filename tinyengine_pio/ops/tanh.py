"""TANH int8: TFLM's gemmlowp algorithm (output in Q0.7), tabulated on the host."""
from __future__ import annotations

from .. import fixedpoint as fx
from ..ir import Graph, Operator
from .base import OpDef, register
from .elementwise import elementwise_access
from .logistic import saturating_table_fn
from .lut import emit_table, prepare_table
from .signature import same_shape


def prepare(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    prepare_table(g, op, saturating_table_fn(inp.zp, inp.s, fx.tanh, 7, 0))


register(OpDef(name="TANH", stem="tanh", prepare=prepare, emit=emit_table, kernels=("lut",),
               access=elementwise_access,
               check=same_shape))
