"""TRANSPOSE_CONV int16x8: int16 input (2) and output (zero points 0), int8 filters [O, H, W, I]
(per-channel or per-tensor, zero point 0), optional int64 or int16 bias (3; TFLM widens an
int16 one and reads any other type as int64, so int32 is refused), constant output_shape (0),
as TFLM's transpose_conv.cc runs reference_integer_ops::TransposeConv for int16:
PopulateConvolutionQuantizationParams' multipliers, products summed in int64,
MultiplyByQuantizedMultiplier(int64_t), the int16 activation clamp. Padding and checks are the
int8 implementation's (ops/transpose_conv.py)."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..signature import Operand, Signature, const_int
from ..transpose_conv import (
    TransposeGeometry,
    check_shapes,
    geometry_fields,
    macs,
    read_options,
)
from .common import (
    S16,
    S16_OUT,
    has_input,
    refuse_int32_bias,
    requantization,
    require_symmetric,
)

SIGNATURE = Signature((const_int("output_shape"),
                       Operand("filter", ranks=(4,), const=True, per_channel=0),
                       Operand("input", dtypes=S16, ranks=(4,)),
                       Operand("bias", dtypes=("int64", "int16", "int32"), ranks=(1,),
                               const=True, quantized=False, optional=True)),
                      (S16_OUT,))


@dataclass
class Int16TransposeConvParams(TransposeGeometry):
    act_min: int
    act_max: int
    mult: np.ndarray
    shift: np.ndarray


def prepare(g: Graph, op: Operator) -> None:
    inp, w, out = require_symmetric(g, replace(op, inputs=[op.inputs[2], op.inputs[1]]))
    refuse_int32_bias(g, op, 3, "transpose convolution", "int64 or int16")
    oc, k_h, k_w, _ = w.shape
    o = op.options
    taps = -(-k_h // o["stride_h"]) * -(-k_w // o["stride_w"]) * inp.shape[3]
    mult, shift, lo, hi = requantization(g, op, inp, w, out, oc, taps, 3, True)
    op.params = Int16TransposeConvParams(**geometry_fields(g, op), act_min=lo, act_max=hi,
                                         mult=mult, shift=shift)


def emit(ctx, op: Operator) -> None:
    p: Int16TransposeConvParams = op.params
    bias64 = bias16 = "NULL"
    if has_input(op, 3):
        if ctx.g.t(op.inputs[3]).dtype == "int64":
            bias64 = ctx.ptr(op.inputs[3])
        else:
            bias16 = ctx.ptr(op.inputs[3])
    ctx.call("te_transpose_conv_s16", ctx.ptr(op.inputs[2]), p.batches, p.in_h, p.in_w, p.in_c,
             ctx.ptr(op.inputs[1]), bias64, bias16, p.k_h, p.k_w, p.stride_h, p.stride_w,
             p.pad_t, p.pad_l, ctx.ptr(op.outputs[0]), p.out_h, p.out_w, p.out_c,
             ctx.const(p.mult, "int32_t", f"mult{op.index}"),
             ctx.const(p.shift, "int32_t", f"shift{op.index}"), p.act_min, p.act_max)


register(OpDef(name="TRANSPOSE_CONV", stem="transpose_conv", dtype="int16",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("transpose_conv_s16",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
