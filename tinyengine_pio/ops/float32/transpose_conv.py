"""TRANSPOSE_CONV float32: TFLM's reference_ops::TransposeConv (transpose_conv.cc's float path):
the output zeroed, every input element's products scattered into it (loop order batch, in_y,
in_x, in_channel, filter_y, filter_x, out_channel), then per output + bias (only when there is
one) and the activation clamp. Each output's sum thus runs over its contributing inputs in
(in_y, in_x, in_channel) order from 0.0f; the kernel gathers them in that same order into a
register, so the bits are TFLM's without a scratch buffer. Padding as the int8 implementation
(ComputePaddingHeightWidth over the output size)."""
from __future__ import annotations

from dataclasses import dataclass

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
from .common import F32, F32_BIAS, flit, float_clamp
from .conv_2d import bias_ptr

SIGNATURE = Signature((const_int("output_shape"),
                       Operand("filter", dtypes=F32, ranks=(4,), const=True, quantized=False),
                       Operand("input", dtypes=F32, ranks=(4,), quantized=False), F32_BIAS),
                      (Operand("output", dtypes=F32, ranks=(4,), quantized=False),))


@dataclass
class FloatTransposeConvParams(TransposeGeometry):
    lo: float                      # the fused activation's clamp
    hi: float


def prepare(g: Graph, op: Operator) -> None:
    lo, hi = float_clamp(g, op)
    op.params = FloatTransposeConvParams(**geometry_fields(g, op), lo=lo, hi=hi)


def emit(ctx, op: Operator) -> None:
    p: FloatTransposeConvParams = op.params
    ctx.call("te_transpose_conv_f32", ctx.ptr(op.inputs[2]), p.batches, p.in_h, p.in_w, p.in_c,
             ctx.ptr(op.inputs[1]), bias_ptr(ctx, op, 3), p.k_h, p.k_w, p.stride_h, p.stride_w,
             p.pad_t, p.pad_l, ctx.ptr(op.outputs[0]), p.out_h, p.out_w, p.out_c, flit(p.lo),
             flit(p.hi))


register(OpDef(name="TRANSPOSE_CONV", stem="transpose_conv", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("transpose_conv_f32",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
