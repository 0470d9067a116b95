"""The float32 reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN): one OpDef factory, each
operator's module gives its name and reducer. TFLM's reduce_common.cc runs
reference_ops::ReduceGeneric<float> (SUM: init 0.0f, in + current; REDUCE_MAX / REDUCE_MIN: init
the lowest / largest float, (in > current) / (in < current) ? in : current) and
reference_ops::Mean (the same sum, then divided by the float element count; its 4-D H,W special
case sums in the same order and divides the same way). Both visit the input in row-major order,
so each output accumulates its elements in the row-major order of the reduced dims (ascending
axes, duplicates and negative axes resolved); the kernel's loops do the same, so the bits are
TFLM's. Axes: a constant int32 / int64 tensor (TFLM requires int32 and a constant is what it
reads), any rank, keep_dims or not."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, require
from ..mean import check as check_reduction
from ..mean import read_options
from ..signature import Signature, const_int
from .common import F32_IN, F32_OUT

SIGNATURE = Signature((F32_IN, const_int("axis", ranks=(0, 1))), (F32_OUT,))
FLT_MAX = np.finfo(np.float32).max


@dataclass
class FloatReduceParams:
    kept: list[tuple[int, int]]      # (size, element stride) of the 4 kept loops, outer first
    red: list[tuple[int, int]]       # ... of the 4 reduced loops
    count: int                       # elements reduced into each output


def axes(g: Graph, op: Operator) -> list[int]:
    """The reduced axes, negative ones resolved, deduplicated, ascending (TFLM's ResolveAxis;
    check() has range-checked them)."""
    rank = len(g.t(op.inputs[0]).shape)
    return sorted({int(a) % rank for a in np.asarray(g.t(op.inputs[1]).data).reshape(-1)})


def _merged(dims: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Unit dims dropped, adjacent dims that are contiguous in memory merged into one loop (the
    row-major order of the visits stays the same)."""
    out: list[tuple[int, int]] = []
    for size, stride in dims:
        if size == 1:
            continue
        if out and out[-1][1] == size * stride:
            out[-1] = (out[-1][0] * size, stride)
        else:
            out.append((size, stride))
    return out


def loops(g: Graph, op: Operator) -> tuple[list, list]:
    shape = list(g.t(op.inputs[0]).shape)
    red_axes = axes(g, op)
    strides = [int(np.prod(shape[i + 1:], dtype=np.int64)) for i in range(len(shape))]
    kept = _merged([(shape[i], strides[i]) for i in range(len(shape)) if i not in red_axes])
    red = _merged([(shape[i], strides[i]) for i in red_axes])
    require(len(kept) <= 4 and len(red) <= 4, op,
            "more than 4 kept or 4 reduced non-contiguous dimensions")
    return [(1, 0)] * (4 - len(kept)) + kept, [(1, 0)] * (4 - len(red)) + red


def prepare(g: Graph, op: Operator) -> None:
    shape = g.t(op.inputs[0]).shape
    kept, red = loops(g, op)
    count = int(np.prod([shape[a] for a in axes(g, op)], dtype=np.int64))
    op.params = FloatReduceParams(kept=kept, red=red, count=count)


def make_emit(func: str, with_count: bool):
    def emit(ctx, op: Operator) -> None:
        p = op.params
        ctx.call(func, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
                 *[v for d in p.kept for v in d], *[v for d in p.red for v in d],
                 *((p.count,) if with_count else ()))
    return emit


def make_evaluate(init: float, step, mean: bool):
    """Constant folding in TFLM's order: every output's elements in the row-major order of the
    reduced axes, one float32 step at a time."""
    def evaluate(g: Graph, op: Operator) -> list:
        x = g.t(op.inputs[0]).data.astype(np.float32)
        red = axes(g, op)
        kept = [i for i in range(x.ndim) if i not in red]
        cols = np.transpose(x, kept + red).reshape(
            int(np.prod([x.shape[i] for i in kept], dtype=np.int64)), -1)
        acc = np.full(cols.shape[0], init, np.float32)
        with np.errstate(all="ignore"):
            for j in range(cols.shape[1]):
                acc = step(acc, cols[:, j]).astype(np.float32)
            if mean:
                acc = (acc / np.float32(cols.shape[1])).astype(np.float32)
        return [acc.reshape(g.t(op.outputs[0]).shape)]
    return evaluate


REDUCERS = {   # name: (kernel function, init, numpy step (current, in), mean)
    "SUM": ("te_reduce_sum_f32", 0.0, lambda cur, x: x + cur, False),
    "MEAN": ("te_reduce_mean_f32", 0.0, lambda cur, x: cur + x, True),
    "REDUCE_MAX": ("te_reduce_max_f32", -FLT_MAX, lambda cur, x: np.where(x > cur, x, cur), False),
    "REDUCE_MIN": ("te_reduce_min_f32", FLT_MAX, lambda cur, x: np.where(x < cur, x, cur), False),
}


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.inputs[0]).size


def reduce_opdef(name: str, stem: str) -> OpDef:
    """The float32 OpDef of a reduction: kernel `te_reduce_<kind>_f32(in, out, k0, ks0, ..,
    k3, ks3, r0, rs0, .., r3, rs3[, count])` in kernels/float32/reduce.c."""
    func, init, step, mean = REDUCERS[name]
    return OpDef(name=name, stem=stem, dtype="float32", read_options=read_options,
                 prepare=prepare, emit=make_emit(func, mean), kernels=("reduce_f32",),
                 macs=macs, signature=SIGNATURE, check=check_reduction,
                 evaluate=make_evaluate(init, step, mean))
