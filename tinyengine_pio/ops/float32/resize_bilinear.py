"""RESIZE_BILINEAR float32 (align_corners, half_pixel_centers): TFLM's resize_bilinear.cc runs
reference_ops::ResizeBilinear<float>. Its per-row and per-column float math
(ComputeInterpolationValues: the scale in float, (v + 0.5f) * scale - 0.5f or v * scale,
floor / ceil clamped to the input, and the weights v - v0 and 1 - (v - v0)) is done on the
host in float32 into tables; the device blends the four pixels with TFLM's expression and
order, ((p00 * (1 - dy)) * (1 - dx) + (p10 * dy) * (1 - dx) + (p01 * (1 - dy)) * dx +
(p11 * dy) * dx) + 0.0f, so the bits are TFLM's."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..resize_bilinear import check, macs, read_options
from ..signature import Operand, Signature, const_int
from .common import F32, F32_OUT

SIGNATURE = Signature((Operand("input", dtypes=F32, ranks=(4,), quantized=False),
                       const_int("size", ranks=(1,))), (F32_OUT,))
F = np.float32


@dataclass
class FloatResizeBilinearParams:
    batches: int
    in_h: int
    in_w: int
    c: int
    out_h: int
    out_w: int
    rows: list[int]       # per output row: y0, y1
    row_w: list[float]    # per output row: 1 - dy, dy
    cols: list[int]       # per output column: x0, x1
    col_w: list[float]    # per output column: 1 - dx, dx


def scale(in_size: int, out_size: int, align: bool) -> np.float32:
    """TFLM: static_cast<float>(in) / out, or (in - 1) / (out - 1) with align_corners."""
    if align and out_size > 1:
        return F(F(in_size - 1) / F(out_size - 1))
    return F(F(in_size) / F(out_size))


def axis_table(in_size: int, out_size: int, align: bool, half: bool):
    """ComputeInterpolationValues per output coordinate: ([lo, hi, ...], [1 - d, d, ...]) with
    d = scaled - lo, all in float32."""
    s = scale(in_size, out_size, align)
    idx, wts = [], []
    for v in range(out_size):
        scaled = F(F(F(v) + F(0.5)) * s - F(0.5)) if half else F(F(v) * s)
        lo = max(int(np.floor(scaled)), 0)
        hi = min(int(np.ceil(scaled)), in_size - 1)
        d = F(scaled - F(lo))
        idx += [lo, hi]
        wts += [float(F(F(1) - d)), float(d)]
    return idx, wts


def tables(g: Graph, op: Operator) -> FloatResizeBilinearParams:
    n, in_h, in_w, c = g.t(op.inputs[0]).shape
    _, out_h, out_w, _ = g.t(op.outputs[0]).shape
    a, h = op.options["align_corners"], op.options["half_pixel_centers"]
    rows, row_w = axis_table(in_h, out_h, a, h)
    cols, col_w = axis_table(in_w, out_w, a, h)
    require(max(rows[0::2]) < in_h and max(cols[0::2]) < in_w, op,
            f"resizing {in_h}x{in_w} to {out_h}x{out_w}: the float scale rounds a source "
            "coordinate past the input's last pixel (TFLite reads outside the input)")
    return FloatResizeBilinearParams(batches=n, in_h=in_h, in_w=in_w, c=c, out_h=out_h,
                                     out_w=out_w, rows=rows, row_w=row_w, cols=cols, col_w=col_w)


def prepare(g: Graph, op: Operator) -> None:
    op.params = tables(g, op)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_resize_bilinear_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             p.batches, p.in_h, p.in_w, p.c, p.out_h, p.out_w,
             ctx.const(np.array(p.rows, np.int32), "int32_t", f"rows{op.index}"),
             ctx.const(np.array(p.row_w, np.float32), "float", f"roww{op.index}"),
             ctx.const(np.array(p.cols, np.int32), "int32_t", f"cols{op.index}"),
             ctx.const(np.array(p.col_w, np.float32), "float", f"colw{op.index}"))


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding: the kernel's arithmetic in float32 numpy."""
    p = tables(g, op)
    x = g.t(op.inputs[0]).data.astype(np.float32)
    y0, y1 = np.array(p.rows[0::2]), np.array(p.rows[1::2])
    x0, x1 = np.array(p.cols[0::2]), np.array(p.cols[1::2])
    ry, dy = (np.array(p.row_w[k::2], np.float32)[None, :, None, None] for k in (0, 1))
    rx, dx = (np.array(p.col_w[k::2], np.float32)[None, None, :, None] for k in (0, 1))
    with np.errstate(all="ignore"):
        v = x[:, y0][:, :, x0] * ry * rx + x[:, y1][:, :, x0] * dy * rx
        v = v + x[:, y0][:, :, x1] * ry * dx
        v = v + x[:, y1][:, :, x1] * dy * dx
        return [(v + np.float32(0)).astype(np.float32)]


register(OpDef(name="RESIZE_BILINEAR", stem="resize_bilinear", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("resize_bilinear_f32",), macs=macs, signature=SIGNATURE, check=check,
               evaluate=evaluate))
