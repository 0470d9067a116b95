"""DEPTHWISE_CONV_2D int16x8: int16 input and output (zero point 0), int8 filters
[1, H, W, in_c x multiplier] (per-channel or per-tensor, zero point 0), optional int64 bias, as
TFLM's depthwise_conv.cc runs reference_integer_ops::DepthwiseConvPerChannel for int16: int64
accumulator, MultiplyByQuantizedMultiplier(int64_t), no input or output offset (a non-zero zero
point is refused). TFLM reads the bias as int64 whatever its type, so an int32 bias is refused."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..depthwise_conv_2d import check_shapes, macs, read_options
from ..signature import Operand, Signature
from ..window import WindowParams, window_fields
from .common import (
    BIAS_64_32,
    S16,
    S16_OUT,
    has_input,
    refuse_int32_bias,
    requantization,
    require_symmetric,
)

SIGNATURE = Signature((Operand("input", dtypes=S16, ranks=(4,)),
                       Operand("filter", ranks=(4,), const=True, per_channel=3), BIAS_64_32),
                      (S16_OUT,))


@dataclass
class Int16DepthwiseParams(WindowParams):
    depth_mult: int
    act_min: int
    act_max: int
    mult: np.ndarray
    shift: np.ndarray


def prepare(g: Graph, op: Operator) -> None:
    inp, w, out = require_symmetric(g, op)
    refuse_int32_bias(g, op, 2, "depthwise kernel", "int64")
    _, k_h, k_w, oc = w.shape
    mult, shift, lo, hi = requantization(g, op, inp, w, out, oc, k_h * k_w, 2, True)
    op.params = Int16DepthwiseParams(**window_fields(g, op, k_h, k_w),
                                     depth_mult=oc // inp.shape[3], act_min=lo, act_max=hi,
                                     mult=mult, shift=shift)


def emit(ctx, op: Operator) -> None:
    p: Int16DepthwiseParams = op.params
    bias = ctx.ptr(op.inputs[2]) if has_input(op, 2) else "NULL"
    mult = ctx.const(p.mult, "int32_t", f"mult{op.index}")
    shift = ctx.const(p.shift, "int32_t", f"shift{op.index}")
    inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
    for b in range(p.batches):
        ctx.call("te_depthwise_conv_2d_s16", ctx.ptr(op.inputs[0], b * inp.nbytes // p.batches),
                 p.in_h, p.in_w, p.in_c, ctx.ptr(op.inputs[1]), bias, p.k_h, p.k_w, p.depth_mult,
                 *p.geometry(), ctx.ptr(op.outputs[0], b * out.nbytes // p.batches), p.out_h,
                 p.out_w, mult, shift, p.act_min, p.act_max)


register(OpDef(name="DEPTHWISE_CONV_2D", stem="depthwise_conv_2d", dtype="int16",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("depthwise_conv_2d_s16",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
