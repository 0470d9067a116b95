"""SOFTMAX int16: TFLM's softmax_common.cc for int16 input and output: zero points 0, the
output scale within 0.1 % of 1/32768; input_multiplier = QuantizeMultiplier(double(input scale)
* beta / (10 / 65535)) (the row's differences [-65535, 0] are [-10, 0]); two LUTPopulate<int16_t>
tables, exp over [-10, 0] and 1 / (1 + x) over [0, 1], both into Q0.15 (ops/int16/lut.py; the
same for every model). The kernel is reference_ops::SoftmaxInt16 (kernels/int16/softmax.c).

int8 input, int16 output: TFLM runs reference_ops::Softmax<int8_t, int16_t>, the int8 SOFTMAX's
gemmlowp algorithm (ops/softmax.py's exp table of the 256 int8 differences) with 16 output bits;
softmax_common.cc requires the output zero point -32768 and a scale within 0.1 % of 1/65536
(te_softmax_s8_s16). Rows of 4096+ elements are refused there: their Q12.19 sum of exps may
exceed int32 (TFLM's sum would overflow)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ...quant import quantize_multiplier
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..signature import Operand, Signature
from ..softmax import check, exp_table, macs, read_options
from .common import S16_OUT
from .lut import F, expf, lut_populate_int16

RANGE = 65535
MAX_S8_DEPTH = 4095          # Q12.19: 4095 exps of 1.0 still fit int32
SIGNATURE = Signature((Operand("input", dtypes=("int16", "int8")),), (S16_OUT,))


@functools.cache
def exp_lut() -> np.ndarray:
    return lut_populate_int16(F(10.0) / F(RANGE), 32767, F(2.0) / F(RANGE), 0, expf)


@functools.cache
def reciprocal_lut() -> np.ndarray:
    return lut_populate_int16(F(1.0) / F(RANGE), -32768, F(2.0) / F(RANGE), 0,
                              lambda v: F(1) / (F(1) + v))


@dataclass
class Int16SoftmaxParams:
    outer: int
    depth: int
    mult: int
    shift: int


@dataclass
class Int8In16OutSoftmaxParams:
    outer: int
    depth: int
    table: list[int]      # exp() of each input difference 0..-255 (Q0.31)


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    if inp.dtype == "int8":
        prepare_s8(g, op)
        return
    require(inp.zp == 0 and out.zp == 0, op, "int16 zero points must be 0 (TFLM's requirement)")
    want = float(F(1) / F(32768))
    require(abs(out.s - want) <= float(F(0.001) * F(1) / F(32768)), op,
            f"int16 output must have scale 1/32768 (TFLM's requirement), got {out.s}")
    mult, shift = quantize_multiplier(inp.s * op.options["beta"] / (10.0 / 65535.0))
    depth = inp.shape[-1]
    op.params = Int16SoftmaxParams(inp.size // depth, depth, mult, shift)


def prepare_s8(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    want = float(F(1) / F(65536))
    require(out.zp == -32768 and abs(out.s - want) <= float(F(0.001) * F(1) / F(65536)), op,
            "int16 output of an int8 SOFTMAX must have scale 1/65536 and zero point -32768 "
            f"(TFLM's requirement), got scale {out.s} zero point {out.zp}")
    depth = inp.shape[-1]
    require(depth <= MAX_S8_DEPTH, op, f"rows of {depth} elements: TFLM's Q12.19 sum of exps "
                                       f"overflows int32 beyond {MAX_S8_DEPTH}")
    op.params = Int8In16OutSoftmaxParams(inp.size // depth, depth, exp_table(op, inp.s))


def emit(ctx, op: Operator) -> None:
    p = op.params
    if isinstance(p, Int8In16OutSoftmaxParams):
        table = ctx.const(np.array(p.table, np.int64), "int32_t", f"exp{op.index}")
        ctx.call("te_softmax_s8_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer,
                 p.depth, table)
        return
    ctx.call("te_softmax_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer, p.depth,
             p.mult, p.shift, ctx.const(exp_lut(), "int16_t", "softmax_exp_lut"),
             ctx.const(reciprocal_lut(), "int16_t", "softmax_recip_lut"))


register(OpDef(name="SOFTMAX", stem="softmax", dtype="int16", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("softmax_s16",), macs=macs,
               access=elementwise_access, signature=SIGNATURE, check=check))
