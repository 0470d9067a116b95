"""CONV_2D int16x8: int16 input and output (zero point 0), int8 filters [O, H, W, I] (per-channel
or per-tensor, zero point 0; grouped where I divides the input channels), optional int64 or
int32 bias, as TFLM's conv.cc runs reference_integer_ops::ConvPerChannel<AccumScalar> for int16.

TFLM's Prepare: PopulateConvolutionQuantizationParams (per channel, double products; a
per-tensor scale broadcast) and the int16 activation range. The kernel applies neither the input
nor the output zero point, so a non-zero one is refused here (a 16x8 model has none). The
accumulator is int64 (MultiplyByQuantizedMultiplier(int64_t)) unless the bias is int32, or
absent with quantized_bias_type INT32: then int32 and the 32-bit requantization."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..conv_2d import check_shapes, macs, read_options
from ..signature import Operand, Signature
from ..window import WindowParams, window_fields
from .common import (
    BIAS_64_32,
    S16,
    S16_OUT,
    has_input,
    requantization,
    require_symmetric,
    wide_accumulator,
)

SIGNATURE = Signature((Operand("input", dtypes=S16, ranks=(4,)),
                       Operand("filter", ranks=(4,), const=True, per_channel=0), BIAS_64_32),
                      (S16_OUT,))


@dataclass
class Int16ConvParams(WindowParams):
    f_c: int
    out_c: int
    act_min: int
    act_max: int
    mult: np.ndarray
    shift: np.ndarray
    wide: bool                 # int64 accumulator (else TFLM's int32-bias path)


def prepare(g: Graph, op: Operator) -> None:
    inp, w, out = require_symmetric(g, op)
    oc, k_h, k_w, f_c = w.shape
    wide = wide_accumulator(g, op, 2)
    mult, shift, lo, hi = requantization(g, op, inp, w, out, oc, k_h * k_w * f_c, 2, wide)
    op.params = Int16ConvParams(**window_fields(g, op, k_h, k_w), f_c=f_c, out_c=oc, act_min=lo,
                                act_max=hi, mult=mult, shift=shift, wide=wide)


def emit(ctx, op: Operator) -> None:
    p: Int16ConvParams = op.params
    bias = ctx.ptr(op.inputs[2]) if has_input(op, 2) else "NULL"
    bias64, bias32 = (bias, "NULL") if p.wide else ("NULL", bias)
    mult = ctx.const(p.mult, "int32_t", f"mult{op.index}")
    shift = ctx.const(p.shift, "int32_t", f"shift{op.index}")
    inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
    for b in range(p.batches):
        ctx.call("te_conv_2d_s16", ctx.ptr(op.inputs[0], b * inp.nbytes // p.batches), p.in_h,
                 p.in_w, p.in_c, ctx.ptr(op.inputs[1]), bias64, bias32, int(not p.wide), p.k_h,
                 p.k_w, p.f_c, *p.geometry(), ctx.ptr(op.outputs[0], b * out.nbytes // p.batches),
                 p.out_h, p.out_w, p.out_c, mult, shift, p.act_min, p.act_max)


register(OpDef(name="CONV_2D", stem="conv_2d", dtype="int16", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("conv_2d_s16",), macs=macs,
               signature=SIGNATURE, check=check_shapes))
