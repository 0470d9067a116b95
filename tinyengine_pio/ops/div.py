"""DIV int8 with broadcasting, byte-exact with TFLM's div.cc (EvalQuantized ->
reference_ops::DivElementwise / BroadcastDivSlowQuantized); int32 constants (shape arithmetic)
and int8 constants fold.

Per element TFLM computes, with v1 = a - a_zp and v2 = b - b_zp (both negated when v2 < 0):
the reciprocal of v2 as GetReciprocal(v2, 31) (a Q0.31 multiplier from gemmlowp's
one_over_one_plus_x_for_x_in_0_1 and a shift of 31 - clz(v2)), v1 shifted left by its
redundant sign bits (CountLeadingSignBits, 31 for 0), their SaturatingRoundingDoublingHighMul,
then MultiplyByQuantizedMultiplierSmallerThanOneExp with the output multiplier and the total
shift output_shift - recip_shift - headroom, plus the output zero point, clamped. The
reciprocal depends on b's byte alone, so it is tabulated here (256 int32 multipliers and 256
shifts); the device does the rest.

Two things the source does not say and the tests pin against TFLM's wheel:
- the output multiplier: div.cc writes `static_cast<double>(s1 / (s2 * so))` (a float
  quotient), but the wheel's results are those of the quotient in double (with the float one,
  e.g. scales 0.03 / 0.03 / 0.1 give 337 of the 65536 byte pairs off by one); so double here.
- the final RoundingDivideByPOT's exponent (-total_shift) leaves gemmlowp's [0, 31] for small
  quotients (a numerator 0 gives 31 + recip_shift - output_shift, 32 or more unless the output
  multiplier is large): undefined behaviour in C++, and the x86-64 build computes `1ll << e`
  modulo 64 and the int32 `x >> e` modulo 32 (0 / b is then the output zero point + 1, not the
  zero point). The kernel reproduces that explicitly, so its bytes are the wheel's on every
  target; a Cortex-M build of TFLM (shifts of 32 and more give 0 / -1 there) differs from both
  in those tiny-quotient cases. A divisor equal to its zero point (TFLM's DCHECK, off in the
  wheel) is evaluated the same way (GetReciprocal(0)), not refused.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..errors import ScaleError
from ..fixedpoint import one_over_one_plus_x_for_x_in_0_1
from ..ir import Graph, Operator
from ..quant import activation_range, quantize_multiplier, srdhm
from .base import OpDef, activation_name, options_table, register, require_int8
from .elementwise import (
    Broadcast,
    broadcast_4d,
    broadcast_values,
    check_typed_broadcast,
    elementwise_access,
    integer_binary_signature,
)
from .quantized import clamp_range
from .signature import invalid
from .sub import INT_ACTIVATIONS


@dataclass
class DivParams:
    loops: Broadcast | None
    a_off: int
    b_off: int
    out_mult: int
    out_off: int
    act_min: int
    act_max: int
    inv: list[int]        # per divisor byte -128..127: GetReciprocal's multiplier of |b - zp|
    shift: list[int]      # per divisor byte: output_shift - GetReciprocal's shift


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.DivOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def _wrap32(x: int) -> int:
    return (x + (1 << 31)) % (1 << 32) - (1 << 31)


def _clz32(x: int) -> int:
    return 32 - (x & 0xFFFFFFFF).bit_length()


def reciprocal(x: int) -> tuple[int, int]:
    """GetReciprocal(x, 31): (Q0.31 multiplier, shift); x = 0 as the x86 build computes it
    (clz 32, the uint32 shift by 32 taken modulo 32)."""
    hp1 = _clz32(x)
    shifted = _wrap32((((x & 0xFFFFFFFF) << (hp1 & 31)) & 0xFFFFFFFF) - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted), 31 - hp1


def leading_sign_bits(x: int) -> int:
    """CountLeadingSignBits(int32): 31 for 0 and -1."""
    return _clz32(~x if x < 0 else x) - 1


def rdbpot_x86(x: int, e: int) -> int:
    """gemmlowp RoundingDivideByPOT for any exponent, as x86-64 runs it: the int64 mask shift
    modulo 64, the int32 arithmetic shift modulo 32 (the same as gemmlowp within [0, 31])."""
    mask = _wrap32((1 << (e & 63)) - 1)
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> (e & 31)) + (1 if (x & mask) > threshold else 0)


def div_params(g: Graph, op: Operator, loops, lo: int, hi: int) -> DivParams:
    """CalculateOpDataDiv (the multiplier in double, as the wheel computes it) and the
    reciprocal of every divisor byte."""
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    mult, shift = quantize_multiplier(a.s / (b.s * out.s))
    inv, sh = [], []
    for q in range(-128, 128):
        r, rs = reciprocal(abs(q - b.zp))
        inv.append(r)
        sh.append(shift - rs)
    return DivParams(loops, a_off=-a.zp, b_off=-b.zp, out_mult=mult, out_off=out.zp,
                     act_min=lo, act_max=hi, inv=inv, shift=sh)


def div_int8(p: DivParams, x: int, y: int) -> int:
    """DivElementwise for one int8 pair, step for step as kernels/portable/div.c."""
    v1 = x + p.a_off
    if y + p.b_off < 0:
        v1 = -v1
    k = y + 128
    hr = leading_sign_bits(v1)
    q = srdhm(_wrap32(v1 << hr), p.inv[k])
    r = p.out_off + rdbpot_x86(srdhm(q, p.out_mult), hr - p.shift[k])
    return max(p.act_min, min(p.act_max, r))


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    loops = broadcast_4d(op, a.shape, b.shape, out.shape)
    lo, hi = clamp_range(g, op)
    op.params = div_params(g, op, loops, lo, hi)


def evaluate(g: Graph, op: Operator) -> list:
    a, b = broadcast_values(g, op)
    act = op.options.get("activation", "NONE")
    out = g.t(op.outputs[0])
    if out.dtype == "int8":
        lo, hi = activation_range(act, out.s, out.zp)
        try:
            p = div_params(g, op, None, lo, hi)
        except ScaleError as e:     # folded in validate.py, before requantize
            raise invalid(op, f"its quantization cannot be run: {e}") from None
        return [np.vectorize(lambda x, y: div_int8(p, int(x), int(y)), otypes=[np.int64])(a, b)]
    a, b = a.astype(np.int64), b.astype(np.int64)
    if (b == 0).any():
        raise invalid(op, "divides a constant by zero (undefined in TFLite)")
    q = np.abs(a) // np.abs(b) * np.sign(a) * np.sign(b)       # C: truncation toward zero
    if (q > np.iinfo(out.dtype).max).any():
        raise invalid(op, f"overflows {out.dtype} (undefined in TFLite)")
    lo, hi = INT_ACTIVATIONS[act]
    return [np.clip(q, lo, hi) if (lo, hi) != (None, None) else q]


def emit(ctx, op: Operator) -> None:
    p = op.params
    inv = ctx.const(np.array(p.inv, np.int32), "int32_t", f"div{op.index}_inv")
    sh = ctx.const(np.array(p.shift, np.int8), "int8_t", f"div{op.index}_shift")
    for ba, bb, bo in p.loops.bases:
        ctx.call("te_div_s8", ctx.ptr(op.inputs[0], ba), ctx.ptr(op.inputs[1], bb),
                 ctx.ptr(op.outputs[0], bo), *p.loops.loop_args(), p.a_off, p.b_off,
                 f"{inv} + 128", f"{sh} + 128", p.out_mult, p.out_off, p.act_min, p.act_max)


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.outputs[0]).size


register(OpDef(name="DIV", stem="div", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("div",), macs=macs, access=elementwise_access, fuses_activation=True,
               signature=integer_binary_signature(("int8", "int32")),
               check=check_typed_broadcast, evaluate=evaluate))
