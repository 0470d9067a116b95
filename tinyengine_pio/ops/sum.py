"""SUM int8 over any set of constant axes, keep_dims or not: TFLM reduce_common.cc EvalSumHelper
-> reference_ops::QuantizedMeanOrSum with compute_sum: the int32 sum minus in_zp * count, one
MultiplyByQuantizedMultiplier by in_scale / out_scale (double, as PrepareMeanOrSumHelper; no
1/count folded in, unlike MEAN), plus out_zp, clamped. It runs MEAN's kernel (te_mean_s8)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from ..quant import multiply_by_quantized_multiplier, quantize_multiplier
from .base import OpDef, register, require_int8
from .mean import SIGNATURE, read_options
from .mean import check as check_reduction
from .reduce_max import axes, loops


@dataclass
class SumParams:
    kept: list[tuple[int, int]]      # (size, element stride) of the 4 kept dims, outer first
    red: list[tuple[int, int]]       # ... of the 4 reduced dims
    count: int                       # elements summed per output
    in_zp: int
    out_zp: int
    mult: int
    shift: int


def _multiplier(g: Graph, op: Operator) -> tuple[int, int]:
    return quantize_multiplier(float(g.t(op.inputs[0]).s) / float(g.t(op.outputs[0]).s))


def _count(g: Graph, op: Operator) -> int:
    shape = g.t(op.inputs[0]).shape
    return int(np.prod([shape[a] for a in axes(g, op)], dtype=np.int64))


def evaluate(g: Graph, op: Operator) -> list:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    x = np.asarray(inp.data).astype(np.int64)
    n, (mult, shift) = _count(g, op), _multiplier(g, op)
    sums = x.sum(axis=tuple(axes(g, op)), keepdims=True) - inp.zp * n
    sums = (sums + (1 << 31)) % (1 << 32) - (1 << 31)          # TFLM's int32 accumulator
    res = [multiply_by_quantized_multiplier(int(v), mult, shift) + out.zp
           for v in sums.reshape(-1)]
    return [np.clip(np.array(res, np.int64), -128, 127).astype(np.int8).reshape(out.shape)]


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    kept, red = loops(list(inp.shape), axes(g, op), op)
    mult, shift = _multiplier(g, op)
    op.params = SumParams(kept=kept, red=red, count=_count(g, op), in_zp=inp.zp, out_zp=out.zp,
                          mult=mult, shift=shift)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_mean_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in p.kept for v in d], *[v for d in p.red for v in d],
             p.count, p.in_zp, p.mult, p.shift, p.out_zp)


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.inputs[0]).size


register(OpDef(name="SUM", stem="sum", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("mean",), macs=macs, signature=SIGNATURE, check=check_reduction,
               evaluate=evaluate))
