"""L2_NORMALIZATION int8 (TFLM l2norm.cc, reference_integer_ops::L2Normalization): each row
along the last axis divided by its L2 norm, the inverse square root by
GetInvSqrtQuantizedMultiplierExp's integer Newton-Raphson on the device
(kernels/portable/l2_normalization.c). Output scale 1/128 and zero point 0 (TFLite's requirement;
TFLM writes Q0.7 whatever the output quantization says)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, activation_name, options_table, register, require, require_int8
from .elementwise import elementwise_access
from .signature import check as check_that
from .signature import same_shape


@dataclass
class L2NormParams:
    outer: int
    depth: int
    in_zp: int


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.L2NormOptions)
    return dict(activation=activation_name(o.FusedActivationFunction()) if o else "NONE")


def check(g: Graph, op: Operator) -> None:
    check_that(len(g.t(op.inputs[0]).shape) <= 4, op, "input rank above 4 (TFLM allows 4)")
    check_that(op.options["activation"] == "NONE", op,
               f"fused activation {op.options['activation']}: TFLM allows NONE only")
    same_shape(g, op)


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(out.s == float(np.float32(1 / 128)) and out.zp == 0, op,
            f"int8 output must have scale 1/128 and zero point 0 (TFLite's requirement), "
            f"got scale {out.s} zero point {out.zp}")
    depth = inp.shape[-1] if inp.shape else 1
    op.params = L2NormParams(outer=inp.size // max(depth, 1), depth=depth, in_zp=inp.zp)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_l2_normalization_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.outer,
             p.depth, p.in_zp)


def macs(g: Graph, op: Operator) -> int:
    return 2 * g.t(op.inputs[0]).size


register(OpDef(name="L2_NORMALIZATION", stem="l2_normalization", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("l2_normalization",), macs=macs,
               access=elementwise_access, check=check))
