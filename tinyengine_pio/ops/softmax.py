"""SOFTMAX int8 -> int8 (output scale 1/256, zero point -128), TFLM's gemmlowp algorithm.

exp() of each possible input difference (0..-255) is tabulated on the host, bit-exact; the
device sums table entries, takes the fixed-point reciprocal and scales each entry by it."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import tflite

from ..fixedpoint import softmax_exp_table
from ..ir import Graph, Operator
from ..quant import quantize_multiplier
from .base import OpDef, options_table, register, require, require_int8
from .elementwise import elementwise_access
from .signature import check as check_that
from .signature import same_shape

SCALED_DIFF_INTEGER_BITS = 5


@dataclass
class SoftmaxParams:
    outer: int            # rows
    depth: int            # elements per row
    table: list[int]      # exp() of each input difference 0..-255 (Q0.31)


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.SoftmaxOptions)
    return dict(beta=float(np.float32(o.Beta())) if o else 1.0)


def check(g: Graph, op: Operator) -> None:
    beta = op.options["beta"]
    check_that(math.isfinite(beta) and beta > 0, op, f"beta is {beta}, expected a positive number")
    same_shape(g, op)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(out.zp == -128 and out.s == float(np.float32(1 / 256)), op,
            f"int8 output must have scale 1/256 and zero point -128 (TFLite's requirement), "
            f"got scale {out.s} zero point {out.zp}")
    depth = inp.shape[-1]
    op.params = SoftmaxParams(outer=inp.size // depth, depth=depth, table=exp_table(op, inp.s))


def exp_table(op: Operator, input_scale: float) -> list[int]:
    """PreprocessSoftmaxScaling's multiplier and shift (Q5.26 differences) and diff_min, as the
    256-entry exp table of the int8 input differences (shared by the int8 -> int16 SOFTMAX in
    ops/int16/softmax.py)."""
    real = min(op.options["beta"] * input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
               (1 << 31) - 1.0)
    mult, shift = quantize_multiplier(real, max_shift=31)    # capped at 2^31 - 1 above
    require(shift >= 0, op, "input scale * beta too small for TFLite's softmax scaling")
    radius = math.floor(((1 << SCALED_DIFF_INTEGER_BITS) - 1) *
                        (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << shift))
    return softmax_exp_table(mult, shift, -radius)


def emit(ctx, op: Operator) -> None:
    p = op.params
    table = ctx.const(np.array(p.table, np.int64), "int32_t", f"exp{op.index}")
    ctx.call("te_softmax_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer, p.depth,
             table)


def macs(g: Graph, op: Operator) -> int:
    return 2 * g.t(op.inputs[0]).size


register(OpDef(name="SOFTMAX", stem="softmax", read_options=read_options, prepare=prepare,
               emit=emit, kernels=("softmax",), macs=macs,
               access=elementwise_access,
               check=check))
