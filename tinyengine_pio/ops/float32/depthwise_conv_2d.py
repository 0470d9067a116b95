"""DEPTHWISE_CONV_2D float32: TFLM's reference_ops::DepthwiseConv (depthwise_conv.cc's float
path). Output channel oc = ic x multiplier + m reads input channel ic; per output, from 0.0f,
the products over filter_y, then filter_x (taps outside the input skipped), then + bias (0.0f
without one), then the activation clamp. TFLM loops over the options' depth_multiplier, so one
that differs from filter channels / input channels is refused (TFLM would leave outputs
unwritten or read past the filter)."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..depthwise_conv_2d import check_shapes, macs, read_options
from ..window import WindowParams, window_access, window_fields
from .common import flit, float_clamp
from .conv_2d import SIGNATURE, bias_ptr


@dataclass
class FloatDepthwiseParams(WindowParams):
    depth_mult: int
    lo: float                      # the fused activation's clamp
    hi: float


def prepare(g: Graph, op: Operator) -> None:
    in_c = g.t(op.inputs[0]).shape[3]
    _, k_h, k_w, oc = g.t(op.inputs[1]).shape
    mult = oc // in_c
    require(op.options["depth_multiplier"] == mult, op,
            f"depth_multiplier {op.options['depth_multiplier']} differs from the filter's "
            f"{oc} channels / the input's {in_c}; TFLM's float kernel loops over the option")
    lo, hi = float_clamp(g, op)
    op.params = FloatDepthwiseParams(**window_fields(g, op, k_h, k_w), depth_mult=mult, lo=lo,
                                     hi=hi)


def emit(ctx, op: Operator) -> None:
    p: FloatDepthwiseParams = op.params
    ctx.call("te_depthwise_conv_2d_f32", ctx.ptr(op.inputs[0]), p.batches, p.in_h, p.in_w,
             p.in_c, ctx.ptr(op.inputs[1]), bias_ptr(ctx, op, 2), p.k_h, p.k_w, p.depth_mult,
             *p.geometry(), ctx.ptr(op.outputs[0]), p.out_h, p.out_w, flit(p.lo), flit(p.hi))


register(OpDef(name="DEPTHWISE_CONV_2D", stem="depthwise_conv_2d", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("depthwise_conv_2d_f32",), macs=macs, access=window_access,
               signature=SIGNATURE, check=check_shapes))
