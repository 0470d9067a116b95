"""REDUCE_MAX int8 over any set of constant axes, keep_dims or not (TFLM reduce_common.cc
EvalMinMaxHelper -> reference_ops::ReduceGeneric with init -128 and max). TFLM requires the
input and output quantization to be equal, so no requantization."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require_int8
from .mean import SIGNATURE, read_options
from .mean import check as check_reduction
from .signature import check as check_that


@dataclass
class ReduceMaxParams:
    kept: list[tuple[int, int]]      # (size, element stride) of the 4 kept dims, outer first
    red: list[tuple[int, int]]       # ... of the 4 reduced dims


def axes(g: Graph, op: Operator) -> list[int]:
    """The reduced axes, normalised and deduplicated (check() has range-checked them)."""
    rank = len(g.t(op.inputs[0]).shape)
    return sorted({int(a) % rank for a in np.asarray(g.t(op.inputs[1]).data).reshape(-1)})


def loops(shape, reduced, op: Operator):
    """(kept, reduced) loop lists of 4 (size, stride) pairs each, unit dims dropped."""
    from .base import require
    rank = len(shape)
    strides = [int(np.prod(shape[i + 1:], dtype=np.int64)) for i in range(rank)]
    kept = [(shape[i], strides[i]) for i in range(rank) if i not in reduced and shape[i] > 1]
    red = [(shape[i], strides[i]) for i in reduced if shape[i] > 1]
    require(len(kept) <= 4 and len(red) <= 4, op, "at most 4 kept and 4 reduced dimensions")
    return [(1, 0)] * (4 - len(kept)) + kept, [(1, 0)] * (4 - len(red)) + red


def check(g: Graph, op: Operator) -> None:
    check_reduction(g, op)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    # TFLM: TF_LITE_ENSURE_EQ on the scales (as doubles) and on the zero points
    check_that(float(inp.s) == float(out.s) and inp.zp == out.zp, op,
               f"input '{inp.name}' (scale {inp.s:.8g}, zero point {inp.zp}) and output "
               f"'{out.name}' (scale {out.s:.8g}, zero point {out.zp}) must share their "
               "quantization")


def evaluate(g: Graph, op: Operator) -> list:
    x = np.asarray(g.t(op.inputs[0]).data)
    r = np.max(x, axis=tuple(axes(g, op)), keepdims=True) if x.size else x
    return [r.reshape(g.t(op.outputs[0]).shape)]


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    kept, red = loops(list(g.t(op.inputs[0]).shape), axes(g, op), op)
    op.params = ReduceMaxParams(kept=kept, red=red)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_reduce_max_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in p.kept for v in d], *[v for d in p.red for v in d])


register(OpDef(name="REDUCE_MAX", stem="reduce_max", read_options=read_options, prepare=prepare,
               emit=emit, kernels=("reduce_max",), signature=SIGNATURE, check=check,
               evaluate=evaluate))
