"""ADD, SUB and MUL int16 (broadcasting up to TFLM's 6-D through ops/elementwise.py's loops).

ADD / SUB: TFLM's CalculateOpDataAdd / CalculateOpDataSub with left_shift 15 for int16: each
input rescaled to twice the larger input scale, the sum (difference) back to the output scale,
three QuantizeMultiplierSmallerThanOneExp multipliers of ratios computed in double (SUB too:
the float ratios of tflite-micro's sub_common.cc before its fix #1501 differ in the last bits
and fail against the wheel). The kernel is AddElementwise / SubElementwise (micro's int16 ADD
passes pot_scale false: the general path, never the power-of-two one). MUL: CalculateOpDataMul's double product of the scales, QuantizeMultiplier,
zero points 0 (TFLM's Prepare requires them)."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ...quant import quantize_multiplier, quantize_multiplier_smaller_than_one_exp
from ..base import OpDef, require
from ..elementwise import Broadcast, broadcast_4d, check_broadcast, elementwise_access
from .common import S16_BINARY, int16_clamp

LEFT_SHIFT = 15


@dataclass
class Int16AddParams:
    loops: Broadcast
    a_off: int
    a_mult: int
    a_shift: int
    b_off: int
    b_mult: int
    b_shift: int
    out_mult: int
    out_shift: int
    out_off: int
    act_min: int
    act_max: int


@dataclass
class Int16MulParams:
    loops: Broadcast
    out_mult: int
    out_shift: int
    act_min: int
    act_max: int


def broadcast_loops(g: Graph, op: Operator) -> Broadcast:
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    return broadcast_4d(op, a.shape, b.shape, out.shape)


def prepare_add(g: Graph, op: Operator) -> None:
    """ADD and SUB: the rescaling of CalculateOpDataAdd / CalculateOpDataSub."""
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    twice_max = 2 * max(a.s, b.s)
    (am, ash), (bm, bsh), (om, osh) = (quantize_multiplier_smaller_than_one_exp(r) for r in (
        a.s / twice_max, b.s / twice_max, twice_max / ((1 << LEFT_SHIFT) * out.s)))
    op.params = Int16AddParams(broadcast_loops(g, op), -a.zp, am, ash, -b.zp, bm, bsh, om, osh,
                               out.zp, *int16_clamp(g, op))


def prepare_mul(g: Graph, op: Operator) -> None:
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(a.zp == b.zp == out.zp == 0, op, "int16 MUL needs zero points 0 (TFLM requires them)")
    m, s = quantize_multiplier(a.s * b.s / out.s)
    op.params = Int16MulParams(broadcast_loops(g, op), m, s, *int16_clamp(g, op))


def make_emit(func: str):
    def emit(ctx, op: Operator) -> None:
        p = op.params
        if isinstance(p, Int16AddParams):
            extra = (p.a_off, p.a_mult, p.a_shift, p.b_off, p.b_mult, p.b_shift, LEFT_SHIFT,
                     p.out_mult, p.out_shift, p.out_off, p.act_min, p.act_max)
        else:
            extra = (p.out_mult, p.out_shift, p.act_min, p.act_max)
        for ba, bb, bo in p.loops.bases:
            ctx.call(func, ctx.ptr(op.inputs[0], 2 * ba), ctx.ptr(op.inputs[1], 2 * bb),
                     ctx.ptr(op.outputs[0], 2 * bo), *p.loops.loop_args(), *extra)
    return emit


def binary_opdef(name: str, stem: str, read_options, prepare, kernel: str, func: str,
                 **extra) -> OpDef:
    return OpDef(name=name, stem=stem, dtype="int16", read_options=read_options,
                 prepare=prepare, emit=make_emit(func), kernels=(kernel,),
                 access=elementwise_access, signature=S16_BINARY, check=check_broadcast,
                 **extra)
