"""TRANSPOSE_CONV: int8 activations, int8 weights [O, H, W, I] (per-channel or per-tensor), optional
int32 bias (input 3); the output shape is the constant input 0. As TFLM's transpose_conv.cc:
padding from ComputePaddingHeightWidth over the *output* size, per-channel multipliers from
PopulateConvolutionQuantizationParams, and reference_integer_ops::TransposeConv's scatter of
(x - zp) * w into an int32 scratch buffer (one batch of the output), then the requantization
and the fused activation's clamp."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import tflite

from ..ir import Graph, MemoryOption, Operator
from .base import OpDef, activation_name, options_table, padding_name, register
from .gemm_operands import portable_operands
from .quantized import (
    RequantFields,
    bias_or_zeros,
    check_filter,
    clamp_range,
    conv_multipliers,
)
from .signature import (
    FILTER_BIAS,
    Operand,
    Signature,
    check_accumulator,
    check_bias,
    const_int,
    expect_shape,
)
from .signature import check as check_that
from .window import WINDOW_MAX, WindowShape, out_size, pad_before

SIGNATURE = Signature((const_int("output_shape"),
                       Operand("filter", ranks=(4,), const=True, per_channel=0),
                       Operand("input", ranks=(4,)), *FILTER_BIAS))


@dataclass
class TransposeGeometry(WindowShape):
    """What every dtype's TRANSPOSE_CONV kernel takes besides its operands and arithmetic."""
    pad_t: int
    pad_l: int
    out_h: int
    out_w: int
    out_c: int


@dataclass
class TransposeConvParams(TransposeGeometry, RequantFields):
    """RequantFields' fields first, then the geometry's."""


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.TransposeConvOptions)
    if o is None:
        return dict(padding="SAME", stride_h=1, stride_w=1, activation="NONE")
    return dict(padding=padding_name(o.Padding()), stride_w=o.StrideW(), stride_h=o.StrideH(),
                activation=activation_name(o.FusedActivationFunction()))


def _depth(k: int, s: int) -> int:
    """Input pixels (per axis) whose scatter reaches one output pixel: at most ceil(k / s)."""
    return -(-k // s)


def check_shapes(g: Graph, op: Operator) -> None:
    """Options, filter and input channels, output_shape and its consistency with the input, the
    bias (every dtype)."""
    o = op.options
    shape_t, w, inp = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.inputs[2])
    oc, k_h, k_w, f_c = w.shape
    n, in_h, in_w, in_c = inp.shape
    check_that(o["padding"] in ("SAME", "VALID"), op, f"padding {o['padding']} is not SAME or VALID")
    for name, v in (("stride_h", o["stride_h"]), ("stride_w", o["stride_w"]),
                    ("filter_h", k_h), ("filter_w", k_w)):
        check_that(1 <= v <= WINDOW_MAX, op, f"{name} is {v}, expected 1 to {WINDOW_MAX}")
    check_that(f_c == in_c, op, f"the filter has {f_c} input channels, the input {in_c}")
    wanted = [int(v) for v in np.asarray(shape_t.data).reshape(-1)]
    check_that(len(wanted) == 4, op, f"output_shape '{shape_t.name}' has {len(wanted)} values, "
                                     "expected 4")
    expect_shape(g, op, wanted, why=f"output_shape '{shape_t.name}'")
    check_that(wanted[0] == n and wanted[3] == oc, op,
               f"output_shape {wanted} does not match {n} batch(es) and the filter's {oc} "
               "output channels")
    for axis, size, k, s, got in (("height", wanted[1], k_h, o["stride_h"], in_h),
                                  ("width", wanted[2], k_w, o["stride_w"], in_w)):
        check_that(size >= 1 and out_size(o["padding"], size, k, s) == got, op,
                   f"output {axis} {size} is inconsistent with input {axis} {got}, filter {k}, "
                   f"stride {s} and {o['padding']} padding")
    check_bias(g, op, 3, oc)


def check(g: Graph, op: Operator) -> None:
    check_shapes(g, op)
    _, k_h, k_w, in_c = g.t(op.inputs[1]).shape
    o = op.options
    check_accumulator(g, op, _depth(k_h, o["stride_h"]) * _depth(k_w, o["stride_w"]) * in_c, 3)


def _check_filter(g: Graph, op: Operator):
    """check_filter() reads input 0 and filter 1; here the input is 2."""
    return check_filter(g, replace(op, inputs=[op.inputs[2], op.inputs[1]]), quant_dim=0)


def prepare(g: Graph, op: Operator) -> None:
    inp, w, out = _check_filter(g, op)
    oc = w.shape[0]
    mult, shift = conv_multipliers(inp, w, out, oc)
    lo, hi = clamp_range(g, op)
    op.params = TransposeConvParams(
        in_off=-inp.zp, out_off=out.zp, act_min=lo, act_max=hi, mult=mult, shift=shift,
        bias=bias_or_zeros(g, op, 3, oc), **geometry_fields(g, op))


def geometry_fields(g: Graph, op: Operator) -> dict:
    """The TransposeGeometry fields of the op (every dtype): input 2's shape, filter 1's,
    the strides, the padding (pads()) and the output's shape."""
    n, in_h, in_w, in_c = g.t(op.inputs[2]).shape
    oc, k_h, k_w, _ = g.t(op.inputs[1]).shape
    _, out_h, out_w, _ = g.t(op.outputs[0]).shape
    return dict(batches=n, in_h=in_h, in_w=in_w, in_c=in_c, k_h=k_h, k_w=k_w,
                stride_h=op.options["stride_h"], stride_w=op.options["stride_w"], **pads(g, op),
                out_h=out_h, out_w=out_w, out_c=oc)


def pads(g: Graph, op: Operator) -> dict:
    """pad_t, pad_l: TFLM's ComputePaddingHeightWidth over the output size (every dtype)."""
    o = op.options
    _, k_h, k_w, _ = g.t(op.inputs[1]).shape
    _, out_h, out_w, _ = g.t(op.outputs[0]).shape
    return dict(pad_t=pad_before(o["padding"], out_h, k_h, o["stride_h"], 1,
                                 out_size(o["padding"], out_h, k_h, o["stride_h"])),
                pad_l=pad_before(o["padding"], out_w, k_w, o["stride_w"], 1,
                                 out_size(o["padding"], out_w, k_w, o["stride_w"])))


def memory_options(g: Graph, op: Operator) -> list[MemoryOption]:
    """The int32 accumulators of one batch of the output."""
    p: TransposeConvParams = op.params
    return [MemoryOption(None, 4 * p.out_h * p.out_w * p.out_c)]


def emit(ctx, op: Operator) -> None:
    p: TransposeConvParams = op.params
    w, bias, mult, shift = portable_operands(ctx, op, None)
    ctx.call("te_transpose_conv_s8", ctx.ptr(op.inputs[2]), p.batches, p.in_h, p.in_w, p.in_c,
             w, bias, p.k_h, p.k_w, p.stride_h, p.stride_w, p.pad_t, p.pad_l,
             ctx.ptr(op.outputs[0]), p.out_h, p.out_w, p.out_c, p.in_off, p.out_off, mult, shift,
             p.act_min, p.act_max, ctx.arena_ptr(op.scratch_offset, "int32_t"))


def macs(g: Graph, op: Operator) -> int:
    oc, k_h, k_w, _ = g.t(op.inputs[1]).shape
    return g.t(op.inputs[2]).size * k_h * k_w * oc


register(OpDef(name="TRANSPOSE_CONV", stem="transpose_conv", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("transpose_conv",), macs=macs,
               memory_options=memory_options, fuses_activation=True, signature=SIGNATURE,
               check=check))
