"""ADD int8 with TFLite's rescaling (left shift 20, per-input multipliers) and broadcasting."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from ..quant import (
    multiply_by_quantized_multiplier,
    quantize_multiplier_smaller_than_one_exp,
)
from ..stages.rows import elementwise_binary_rows
from ..variants import variant
from .base import OpDef, activation_name, options_table, register, require_int8
from .elementwise import Broadcast, broadcast_4d, check_broadcast, elementwise_access
from .quantized import clamp_range, fast_requant
from .signature import BINARY


@dataclass
class AddParams:
    """TFLite's int8 ADD (and SUB): each input offset, shifted left and rescaled, then the sum
    (difference) requantized."""
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
    act_min: int
    act_max: int
    fast: tuple | None = None     # finalize(): TE_FAST tables and requantization, or None


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.AddOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def rescale_params(g: Graph, op: Operator, loops: Broadcast | None, lo: int,
                   hi: int) -> AddParams:
    """CalculateOpDataAdd (and Sub's, the same): each input rescaled to twice the larger
    scale after a left shift of 20, the result back to the output's; products in double."""
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    left_shift = 20
    twice_max = 2 * max(a.s, b.s)
    am, ash = quantize_multiplier_smaller_than_one_exp(a.s / twice_max)
    bm, bsh = quantize_multiplier_smaller_than_one_exp(b.s / twice_max)
    om, osh = quantize_multiplier_smaller_than_one_exp(twice_max / ((1 << left_shift) * out.s))
    return AddParams(loops, a_off=-a.zp, a_mult=am, a_shift=ash, b_off=-b.zp,
                     b_mult=bm, b_shift=bsh, left_shift=left_shift, out_mult=om,
                     out_shift=osh, out_off=out.zp, act_min=lo, act_max=hi)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    loops = broadcast_4d(op, a.shape, b.shape, out.shape)
    lo, hi = clamp_range(g, op)
    op.params = rescale_params(g, op, loops, lo, hi)


def tables(p: AddParams):
    """TE_FAST: 2 x each input's rescaled term for x = -128..127 (the kernel adds two entries
    and requantizes with te_rq_fast), and that (m, cc, e); None where the fast
    requantization would not be exact."""
    terms = []
    for off, mult, shift in ((p.a_off, p.a_mult, p.a_shift), (p.b_off, p.b_mult, p.b_shift)):
        terms.append(np.array([2 * multiply_by_quantized_multiplier(
            (x + off) * (1 << p.left_shift), mult, shift) for x in range(-128, 128)], np.int64))
    bound = (np.abs(terms[0]).max() + np.abs(terms[1]).max() + 1) // 2
    fast = fast_requant([bound], [p.out_mult], [p.out_shift], p.out_off)
    if fast is None:
        return None
    return terms, [int(v[0]) for v in fast]


def finalize(g: Graph, op: Operator) -> None:
    if g.config.get("optimize") != "size":
        op.params.fast = tables(op.params)


def emit(ctx, op: Operator) -> None:
    p = op.params
    fast = p.fast
    if fast is not None:
        (ta, tb), rq = fast
        names = [ctx.cond_const(t.astype(np.int32), "int32_t", f"add{op.index}_{x}", "TE_FAST")
                 for t, x in ((ta, "a"), (tb, "b"))]
    for ba, bb, bo in p.loops.bases:
        args = (ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb), ctx.ptr(op.outputs[0], bo),
                *p.loops.loop_args())
        ctx.dispatch(variant("dsp", fast and ("te_add_lut_fast", *args,
                                              *(f"{n} + 128" for n in names), *rq, p.act_min,
                                              p.act_max)),
                     variant("portable", ("te_add_s8", *args, p.a_off, p.a_mult, p.a_shift,
                                          p.b_off, p.b_mult, p.b_shift, p.left_shift,
                                          p.out_mult, p.out_shift, p.out_off, p.act_min,
                                          p.act_max)))


register(OpDef(name="ADD", stem="add", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("add",), access=elementwise_access, fuses_activation=True,
               finalize=finalize,
               signature=BINARY, check=check_broadcast,
               rows=elementwise_binary_rows))
