"""SQUARED_DIFFERENCE int8 with broadcasting (TFLM squared_difference.cc: each input offset,
shifted left by 7 and rescaled to twice the larger input scale, the difference squared and
requantized with a general multiplier; the output clamped to int8, no fused activation)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ScaleError
from ..ir import Graph, Operator
from ..quant import (
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    quantize_multiplier_smaller_than_one_exp,
)
from .base import OpDef, register, require, require_int8
from .elementwise import (
    Broadcast,
    broadcast_4d,
    broadcast_values,
    check_broadcast,
    elementwise_access,
)
from .signature import BINARY, invalid

LEFT_SHIFT = 7


@dataclass
class SquaredDifferenceParams:
    loops: Broadcast | None
    a_off: int
    a_mult: int
    a_shift: int
    b_off: int
    b_mult: int
    b_shift: int
    left_shift: int
    out_mult: int
    out_shift: int
    out_off: int


def _params(g: Graph, op: Operator, loops) -> SquaredDifferenceParams:
    """PrepareQuantized: double arithmetic on the float scales."""
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    twice_max = 2.0 * max(a.s, b.s)
    am, ash = quantize_multiplier_smaller_than_one_exp(a.s / twice_max)
    bm, bsh = quantize_multiplier_smaller_than_one_exp(b.s / twice_max)
    om, osh = quantize_multiplier(twice_max * twice_max / ((1 << (LEFT_SHIFT * 2)) * out.s))
    return SquaredDifferenceParams(loops, a_off=-a.zp, a_mult=am, a_shift=ash, b_off=-b.zp,
                                   b_mult=bm, b_shift=bsh, left_shift=LEFT_SHIFT, out_mult=om,
                                   out_shift=osh, out_off=out.zp)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    # TFLM broadcasts through BroadcastBinaryFunction4DSlow: at most 4 dimensions
    require(tuple(a.shape) == tuple(b.shape) or len(out.shape) <= 4, op,
            f"broadcasting over {len(out.shape)} dimensions (TFLM broadcasts at most 4)")
    op.params = _params(g, op, broadcast_4d(op, a.shape, b.shape, out.shape))


def squared_difference_int8(p: SquaredDifferenceParams, x: int, y: int) -> int:
    """The host reference of one element (constant folding)."""
    sa = multiply_by_quantized_multiplier((x + p.a_off) * (1 << p.left_shift), p.a_mult, p.a_shift)
    sb = multiply_by_quantized_multiplier((y + p.b_off) * (1 << p.left_shift), p.b_mult, p.b_shift)
    r = multiply_by_quantized_multiplier((sa - sb) * (sa - sb), p.out_mult, p.out_shift)
    return max(-128, min(127, r + p.out_off))


def evaluate(g: Graph, op: Operator) -> list:
    a, b = broadcast_values(g, op)
    try:
        p = _params(g, op, None)
    except ScaleError as e:     # folded in validate.py, before requantize
        raise invalid(op, f"its quantization cannot be run: {e}") from None
    return [np.vectorize(lambda x, y: squared_difference_int8(p, int(x), int(y)),
                         otypes=[np.int64])(a, b)]


def emit(ctx, op: Operator) -> None:
    p = op.params
    for ba, bb, bo in p.loops.bases:
        ctx.call("te_squared_difference_s8", ctx.ptr(op.inputs[0], ba),
                 ctx.ptr(op.inputs[1], bb), ctx.ptr(op.outputs[0], bo), *p.loops.loop_args(),
                 p.a_off, p.a_mult, p.a_shift, p.b_off, p.b_mult, p.b_shift, p.left_shift,
                 p.out_mult, p.out_shift, p.out_off)


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.outputs[0]).size


register(OpDef(name="SQUARED_DIFFERENCE", stem="squared_difference", prepare=prepare, emit=emit,
               kernels=("squared_difference",), macs=macs, access=elementwise_access,
               signature=BINARY, check=check_broadcast, evaluate=evaluate))
