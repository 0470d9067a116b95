"""L2_NORMALIZATION float32: TFLM's l2norm.cc runs reference_ops::L2Normalization (float) with
epsilon 1e-6f: per row along the last axis the sum of squares in order from 0.0f, std::sqrt,
std::max with epsilon, then each value divided by it. sqrt is correctly rounded on both sides
(te_sqrtf), so the bits are TFLM's. Prepare allows rank <= 4 and no fused activation."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..l2_normalization import check, macs, read_options
from .common import F32_UNARY
from .softmax import row_sum, rows

EPSILON = np.float32(1e-6)


@dataclass
class FloatL2NormParams:
    outer: int         # rows
    depth: int         # elements per row (the last axis)


def prepare(g: Graph, op: Operator) -> None:
    require(len(g.t(op.inputs[0]).shape) >= 1, op, "a scalar input has no last axis to "
            "normalize along (TFLM indexes dimension -1)")
    op.params = FloatL2NormParams(*rows(g, op))


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_l2_normalization_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer,
             p.depth)


def evaluate(g: Graph, op: Operator) -> list:
    x = g.t(op.inputs[0]).data.astype(np.float32).reshape(rows(g, op))
    with np.errstate(all="ignore"):
        norm = np.sqrt(row_sum((x * x).astype(np.float32)))
        norm = np.where(norm < EPSILON, EPSILON, norm)          # std::max(norm, epsilon)
        return [(x / norm).astype(np.float32).reshape(g.t(op.outputs[0]).shape)]


register(OpDef(name="L2_NORMALIZATION", stem="l2_normalization", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("l2_normalization_f32",), macs=macs, access=elementwise_access,
               signature=F32_UNARY, check=check, evaluate=evaluate))
