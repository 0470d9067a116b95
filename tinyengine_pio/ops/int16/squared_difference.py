"""SQUARED_DIFFERENCE int16 as TFLM's squared_difference.cc: zero points 0 (its Prepare requires
them), PrepareQuantized with left_shift 0 (each input rescaled to twice the larger input scale
by QuantizeMultiplierSmallerThanOneExp, the squared difference, at most 2^30, requantized by
QuantizeMultiplier of (2 max scale)^2 / output scale, all in double), clamped to int16; with
broadcasting over at most 4 dimensions (BroadcastBinaryFunction4DSlow). The int8 parameters
(ops/squared_difference.py) with the int16 shift and clamp; kernels/int16/squared_difference.c."""
from __future__ import annotations

import numpy as np

from ...errors import ScaleError
from ...ir import Graph, Operator
from ...quant import (
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    quantize_multiplier_smaller_than_one_exp,
)
from ..base import OpDef, register, require
from ..elementwise import (
    broadcast_4d,
    broadcast_values,
    check_broadcast,
    elementwise_access,
)
from ..signature import invalid
from ..squared_difference import SquaredDifferenceParams, macs
from .common import INT16_MAX, INT16_MIN, S16_BINARY


def _params(g: Graph, op: Operator, loops) -> SquaredDifferenceParams:
    """PrepareQuantized(left_shift 0): double arithmetic on the float scales."""
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(a.zp == b.zp == out.zp == 0, op, "int16 SQUARED_DIFFERENCE needs zero points 0 "
                                             "(TFLM requires them)")
    twice_max = 2.0 * max(a.s, b.s)
    am, ash = quantize_multiplier_smaller_than_one_exp(a.s / twice_max)
    bm, bsh = quantize_multiplier_smaller_than_one_exp(b.s / twice_max)
    om, osh = quantize_multiplier(twice_max * twice_max / out.s)
    return SquaredDifferenceParams(loops, a_off=0, a_mult=am, a_shift=ash, b_off=0, b_mult=bm,
                                   b_shift=bsh, left_shift=0, out_mult=om, out_shift=osh,
                                   out_off=0)


def prepare(g: Graph, op: Operator) -> None:
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(tuple(a.shape) == tuple(b.shape) or len(out.shape) <= 4, op,
            f"broadcasting over {len(out.shape)} dimensions (TFLM broadcasts at most 4)")
    op.params = _params(g, op, broadcast_4d(op, a.shape, b.shape, out.shape))


def _element(p: SquaredDifferenceParams, x: int, y: int) -> int:
    sa = multiply_by_quantized_multiplier(x, p.a_mult, p.a_shift)
    sb = multiply_by_quantized_multiplier(y, p.b_mult, p.b_shift)
    r = multiply_by_quantized_multiplier((sa - sb) * (sa - sb), p.out_mult, p.out_shift)
    return max(INT16_MIN, min(INT16_MAX, r))


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding: the kernel's arithmetic per broadcast element."""
    a, b = broadcast_values(g, op)
    try:
        p = _params(g, op, None)
    except ScaleError as e:     # folded in validate.py, before requantize
        raise invalid(op, f"its quantization cannot be run: {e}") from None
    return [np.vectorize(lambda x, y: _element(p, int(x), int(y)), otypes=[np.int64])(a, b)
            .astype(np.int16)]


def emit(ctx, op: Operator) -> None:
    p: SquaredDifferenceParams = op.params
    for ba, bb, bo in p.loops.bases:
        ctx.call("te_squared_difference_s16", ctx.ptr(op.inputs[0], 2 * ba),
                 ctx.ptr(op.inputs[1], 2 * bb), ctx.ptr(op.outputs[0], 2 * bo),
                 *p.loops.loop_args(), p.a_mult, p.a_shift, p.b_mult, p.b_shift, p.out_mult,
                 p.out_shift)


register(OpDef(name="SQUARED_DIFFERENCE", stem="squared_difference", dtype="int16",
               prepare=prepare, emit=emit, kernels=("squared_difference_s16",), macs=macs,
               access=elementwise_access, signature=S16_BINARY, check=check_broadcast,
               evaluate=evaluate))
