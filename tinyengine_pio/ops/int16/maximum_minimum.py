"""MAXIMUM and MINIMUM int16: TFLM's maximum_minimum.cc compares the raw int16 values (no
requantization, no quantization check), broadcasting as ops/elementwise.py's loops
(kernels/int16/maximum_minimum.c)."""
from __future__ import annotations

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..elementwise import broadcast_values, check_broadcast, elementwise_access
from ..maximum_minimum import MaxMinParams
from .binary import broadcast_loops
from .common import S16_BINARY


def prepare(g: Graph, op: Operator) -> None:
    op.params = MaxMinParams(broadcast_loops(g, op))


def _evaluator(fn):
    """Constant folding: the broadcast raw values compared."""
    def evaluate(g: Graph, op: Operator) -> list:
        return [fn(*broadcast_values(g, op))]
    return evaluate


def _emitter(fn: str):
    def emit(ctx, op: Operator) -> None:
        lp = op.params.loops
        for ba, bb, bo in lp.bases:
            ctx.call(fn, ctx.ptr(op.inputs[0], 2 * ba), ctx.ptr(op.inputs[1], 2 * bb),
                     ctx.ptr(op.outputs[0], 2 * bo), *lp.loop_args())
    return emit


for _name, _fn, _np in (("MAXIMUM", "te_maximum_s16", np.maximum),
                        ("MINIMUM", "te_minimum_s16", np.minimum)):
    register(OpDef(name=_name, stem="maximum_minimum", dtype="int16", prepare=prepare,
                   emit=_emitter(_fn), kernels=("maximum_minimum_s16",),
                   access=elementwise_access, signature=S16_BINARY, check=check_broadcast,
                   evaluate=_evaluator(_np)))
