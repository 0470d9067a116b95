"""LOG_SOFTMAX float32: TFLM's log_softmax.cc runs reference_ops::LogSoftmax (float) per row
along the last axis: the row's maximum (std::max from the lowest float), the sum of
exp(x - max) in order from 0.0f, its log, then x - max - log_sum. te_expf / te_logf stand for
std::exp / std::log, so the results agree within the float tolerance."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..elementwise import elementwise_access
from ..log_softmax import macs
from ..signature import check as check_that
from ..signature import same_shape
from .common import F32_UNARY
from .softmax import row_max, row_sum, rows


@dataclass
class FloatLogSoftmaxParams:
    outer: int         # rows
    depth: int         # elements per row (the last axis)


def check(g: Graph, op: Operator) -> None:
    check_that(len(g.t(op.inputs[0]).shape) >= 1, op, "the input is a scalar (TFLM needs rank >= 1)")
    same_shape(g, op)


def prepare(g: Graph, op: Operator) -> None:
    op.params = FloatLogSoftmaxParams(*rows(g, op))


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_log_softmax_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer,
             p.depth)


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding in float32 numpy, TFLM's order (numpy's exp and log)."""
    x = g.t(op.inputs[0]).data.astype(np.float32)
    with np.errstate(all="ignore"):
        m = row_max(x)
        log_sum = np.log(row_sum(np.exp(x - m).astype(np.float32))).astype(np.float32)
        return [((x - m) - log_sum).astype(np.float32)]


register(OpDef(name="LOG_SOFTMAX", stem="log_softmax", dtype="float32", prepare=prepare,
               emit=emit, kernels=("log_softmax_f32",), macs=macs, access=elementwise_access,
               signature=F32_UNARY, check=check, evaluate=evaluate))
