"""SOFTMAX float32: TFLM's softmax.cc runs reference_ops::Softmax<float> per row along the last
axis: the row's maximum (std::max from the lowest float), then exp((x - max) * beta) written out
and summed in order from 0.0f, then each entry divided by the sum. The kernel does the same
operations in the same order; std::exp is te_expf (a few ulp), so the results agree within the
float tolerance rather than bit for bit."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..elementwise import elementwise_access
from ..signature import check as check_that
from ..signature import same_shape
from ..softmax import macs, read_options
from .common import F32_UNARY, flit


@dataclass
class FloatSoftmaxParams:
    outer: int         # rows
    depth: int         # elements per row (the last axis)
    beta: float


def rows(g: Graph, op: Operator) -> tuple[int, int]:
    """(outer, depth) of the input: TFLM's FlatSizeSkipDim and the last dimension."""
    inp = g.t(op.inputs[0])
    depth = inp.shape[-1]
    return inp.size // max(depth, 1), depth


def check(g: Graph, op: Operator) -> None:
    """TFLM's SoftmaxPrepare takes any beta and rank >= 1; a non-finite beta has no literal."""
    check_that(len(g.t(op.inputs[0]).shape) >= 1, op, "the input is a scalar (TFLM needs rank >= 1)")
    beta = op.options["beta"]
    check_that(math.isfinite(beta), op, f"beta is {beta}, expected a finite number")
    same_shape(g, op)


def prepare(g: Graph, op: Operator) -> None:
    op.params = FloatSoftmaxParams(*rows(g, op), beta=op.options["beta"])


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_softmax_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer, p.depth,
             flit(p.beta))


def row_max(x: np.ndarray) -> np.ndarray:
    """Each row's maximum as TFLM takes it: std::max(max, x) from the lowest float, in order
    (a NaN never becomes the maximum)."""
    m = np.full(x.shape[:-1] + (1,), -np.finfo(np.float32).max, np.float32)
    for c in range(x.shape[-1]):
        m = np.where(m < x[..., c:c + 1], x[..., c:c + 1], m)
    return m


def row_sum(e: np.ndarray) -> np.ndarray:
    """Each row's float32 sum in order from 0.0f."""
    s = np.zeros(e.shape[:-1] + (1,), np.float32)
    for c in range(e.shape[-1]):
        s = (s + e[..., c:c + 1]).astype(np.float32)
    return s


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding in float32 numpy, TFLM's order (numpy's exp for std::exp)."""
    x = g.t(op.inputs[0]).data.astype(np.float32)
    with np.errstate(all="ignore"):
        e = np.exp((x - row_max(x)) * np.float32(op.options["beta"])).astype(np.float32)
        return [(e / row_sum(e)).astype(np.float32)]


register(OpDef(name="SOFTMAX", stem="softmax", dtype="float32", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("softmax_f32",), macs=macs,
               access=elementwise_access, signature=F32_UNARY, check=check, evaluate=evaluate))
