"""CONV_2D float32: TFLM's reference_ops::Conv (conv.cc's float path). Per output, from 0.0f,
the products summed over filter_y, filter_x, then the filter's input channels (of the output
channel's group), taps outside the input skipped (zero padding); then + bias (0.0f without one),
then the activation clamp. Grouped convolution (filter channels dividing the input's) runs as
in the reference: output channel o reads group o / (out_c / groups)."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..conv_2d import check_shapes, macs, read_options
from ..signature import Operand, Signature
from ..window import WindowParams, window_access, window_fields
from .common import F32, F32_BIAS, flit, float_clamp

# a 4-D float input, a constant 4-D filter, an optional bias (DEPTHWISE_CONV_2D's too)
SIGNATURE = Signature((Operand("input", dtypes=F32, ranks=(4,), quantized=False),
                       Operand("filter", dtypes=F32, ranks=(4,), const=True, quantized=False),
                       F32_BIAS),
                      (Operand("output", dtypes=F32, ranks=(4,), quantized=False),))


@dataclass
class FloatConvParams(WindowParams):
    f_c: int                       # filter channels (in_c / groups)
    out_c: int
    lo: float                      # the fused activation's clamp
    hi: float


def prepare(g: Graph, op: Operator) -> None:
    in_c = g.t(op.inputs[0]).shape[3]
    oc, k_h, k_w, f_c = g.t(op.inputs[1]).shape
    groups = in_c // f_c
    require(oc % groups == 0, op, f"{oc} output channels do not split into {groups} groups "
                                  "(TFLM would read past the input's channels)")
    lo, hi = float_clamp(g, op)
    op.params = FloatConvParams(**window_fields(g, op, k_h, k_w), f_c=f_c, out_c=oc, lo=lo,
                                hi=hi)


def bias_ptr(ctx, op: Operator, pos: int) -> str:
    """The optional bias input's pointer, or NULL."""
    return ctx.ptr(op.inputs[pos]) if len(op.inputs) > pos and op.inputs[pos] >= 0 else "NULL"


def emit(ctx, op: Operator) -> None:
    p: FloatConvParams = op.params
    ctx.call("te_conv_2d_f32", ctx.ptr(op.inputs[0]), p.batches, p.in_h, p.in_w, p.in_c,
             ctx.ptr(op.inputs[1]), bias_ptr(ctx, op, 2), p.k_h, p.k_w, p.f_c, *p.geometry(),
             ctx.ptr(op.outputs[0]), p.out_h, p.out_w, p.out_c, flit(p.lo), flit(p.hi))


register(OpDef(name="CONV_2D", stem="conv_2d", dtype="float32", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("conv_2d_f32",), macs=macs,
               access=window_access, signature=SIGNATURE, check=check_shapes))
