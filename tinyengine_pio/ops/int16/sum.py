"""SUM int16: TFLM's reduce_common.cc EvalSumHelper runs QuantizedMeanOrSum<int16_t> with
compute_sum, the int8 algorithm (PrepareMeanOrSumHelper's double in_scale / out_scale multiplier,
no 1 / count folded in; the int32 sum less zero point x count, one MultiplyByQuantizedMultiplier,
plus the output zero point), clamped to int16. The primary's host math (ops/sum.py) serves and
MEAN int16's kernel (kernels/int16/mean.c: te_mean_s16) runs it. A reduction whose int32 sum
could overflow is refused."""
from __future__ import annotations

import numpy as np

from ...ir import Graph, Operator
from ...quant import multiply_by_quantized_multiplier
from ..base import OpDef, register, require
from ..mean import check, read_options
from ..reduce_max import axes, loops
from ..sum import SumParams, _count, _multiplier, macs
from .common import INT16_MAX, INT16_MIN
from .mean import SIGNATURE


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding: the kernel's arithmetic in Python."""
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    n, (mult, shift) = _count(g, op), _multiplier(g, op)
    sums = np.asarray(inp.data).astype(np.int64).sum(axis=tuple(axes(g, op))) - inp.zp * n
    res = [multiply_by_quantized_multiplier(int(v), mult, shift) + out.zp
           for v in sums.reshape(-1)]
    return [np.clip(np.array(res, np.int64), INT16_MIN, INT16_MAX).astype(np.int16)
            .reshape(out.shape)]


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    n = _count(g, op)
    worst = n * (32768 + abs(inp.zp))
    require(worst < 1 << 31, op, f"the int32 sum of {n} int16 values may overflow")
    kept, red = loops(list(inp.shape), axes(g, op), op)
    mult, shift = _multiplier(g, op)
    op.params = SumParams(kept=kept, red=red, count=n, in_zp=inp.zp, out_zp=out.zp, mult=mult,
                          shift=shift)


def emit(ctx, op: Operator) -> None:
    p: SumParams = op.params
    ctx.call("te_mean_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in p.kept for v in d], *[v for d in p.red for v in d],
             p.count, p.in_zp, p.mult, p.shift, p.out_zp)


register(OpDef(name="SUM", stem="sum", dtype="int16", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("mean_s16",), macs=macs,
               signature=SIGNATURE, check=check, evaluate=evaluate))
