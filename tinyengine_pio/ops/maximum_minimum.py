"""MAXIMUM and MINIMUM int8 with broadcasting (TFLM maximum_minimum.cc: the raw values are
compared, with no requantization and no quantization check, so the result is byte-exact with TFLM
whatever the operands' quantizations; the converter gives them all the same). Constant operands
of any integer type (shape arithmetic) fold."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require_int8
from .elementwise import (
    Broadcast,
    broadcast_4d,
    broadcast_values,
    check_typed_broadcast,
    elementwise_access,
    integer_binary_signature,
)


@dataclass
class MaxMinParams:
    loops: Broadcast


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    op.params = MaxMinParams(broadcast_4d(op, a.shape, b.shape, out.shape))


def _emitter(fn: str):
    def emit(ctx, op: Operator) -> None:
        lp = op.params.loops
        for ba, bb, bo in lp.bases:
            ctx.call(fn, ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb),
                     ctx.ptr(op.outputs[0], bo), *lp.loop_args())
    return emit


def _evaluator(fn):
    def evaluate(g: Graph, op: Operator) -> list:
        return [fn(*broadcast_values(g, op))]
    return evaluate


SIGNATURE = integer_binary_signature(("int8", "int32", "int64"))

for _name, _fn, _np in (("MAXIMUM", "te_maximum_s8", np.maximum),
                        ("MINIMUM", "te_minimum_s8", np.minimum)):
    register(OpDef(name=_name, stem="maximum_minimum", prepare=prepare, emit=_emitter(_fn),
                   kernels=("maximum_minimum",), access=elementwise_access,
                   signature=SIGNATURE, check=check_typed_broadcast,
                   evaluate=_evaluator(_np)))
