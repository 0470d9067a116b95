"""LEAKY_RELU int16 as TFLM's leaky_relu_common.cc (the int8 module's multipliers: alpha and
identity ratios in float, then QuantizeMultiplier) with reference_ops::QuantizeLeakyRelu
<int16_t> computed per element (kernels/int16/leaky_relu.c; the int8 table would need 65536
entries)."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..elementwise import elementwise_access
from ..leaky_relu import multipliers, read_options
from ..signature import same_shape
from .common import S16_UNARY


@dataclass
class Int16LeakyReluParams:
    n: int
    in_zp: int
    out_zp: int
    id_mult: int
    id_shift: int
    alpha_mult: int            # |multiplier|
    alpha_shift: int
    alpha_negative: int        # the product negated (a negative alpha)


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    am, ash, im, ish = multipliers(inp.s, out.s, op.options.get("alpha", 0.0))
    op.params = Int16LeakyReluParams(out.size, inp.zp, out.zp, im, ish, abs(am), ash,
                                     int(am < 0))


def emit(ctx, op: Operator) -> None:
    p: Int16LeakyReluParams = op.params
    ctx.call("te_leaky_relu_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.in_zp,
             p.out_zp, p.id_mult, p.id_shift, p.alpha_mult, p.alpha_shift, p.alpha_negative)


register(OpDef(name="LEAKY_RELU", stem="leaky_relu", dtype="int16", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("leaky_relu_s16",),
               access=elementwise_access, signature=S16_UNARY, check=same_shape))
