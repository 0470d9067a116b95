"""RESIZE_BILINEAR int8 (align_corners, half_pixel_centers), byte-exact with TFLite's
reference_ops::ResizeBilinearInteger (which TFLM's resize_bilinear.cc runs for int8): the 10-bit
fixed-point source coordinates, their two neighbours and weights are computed on the host into
per-row and per-column tables; the device only blends four pixels per output value."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, options_table, register, require
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that

ONE = 1 << 10


@dataclass
class ResizeBilinearParams:
    batches: int
    in_h: int
    in_w: int
    c: int
    out_h: int
    out_w: int
    rows: list[int]       # per output row: y0, y1, weight of y1 (10-bit)
    cols: list[int]       # per output column: x0, x1, weight of x1 (10-bit)


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.ResizeBilinearOptions)
    return dict(align_corners=bool(o.AlignCorners()) if o else False,
                half_pixel_centers=bool(o.HalfPixelCenters()) if o else False)


def _cdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def scale_10(in_size: int, out_size: int, align: bool) -> int:
    """ResizeBilinearInteger's height_scale_10 / width_scale_10."""
    if align and out_size > 1:
        return _cdiv(ONE * (in_size - 1) + (out_size - 1) // 2, out_size - 1)
    return _cdiv(ONE * in_size + out_size // 2, out_size)


def axis_table(in_size: int, out_size: int, align: bool, half: bool) -> list[int]:
    """ComputeInterpolationValuesInteger for every output coordinate: [lo, hi, scaled - lo * 1024]
    per coordinate, flattened."""
    s = scale_10(in_size, out_size, align)
    out = []
    for v in range(out_size):
        scaled = v * s + _cdiv(s, 2) - (1 << 9) if half else v * s
        lo = max(_cdiv(scaled, ONE), 0)
        hi = min(_cdiv(scaled + ONE - 1, ONE), in_size - 1)
        out += [lo, hi, scaled - ONE * lo]
    return out


SIGNATURE = Signature((Operand("input", ranks=(4,)), const_int("size", ranks=(1,))))


def check(g: Graph, op: Operator) -> None:
    n, _, _, c = g.t(op.inputs[0]).shape
    size = [int(v) for v in np.asarray(g.t(op.inputs[1]).data).reshape(-1)]
    check_that(len(size) == 2 and min(size) >= 1, op, f"size {size} is not [height, width]")
    expect_shape(g, op, [n, *size, c], why=f"size {size}")
    check_that(not (op.options["align_corners"] and op.options["half_pixel_centers"]), op,
               "align_corners and half_pixel_centers are both set (TFLite requires "
               "half_pixel_centers to be False when align_corners is True)")


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    n, in_h, in_w, c = inp.shape
    _, out_h, out_w, _ = out.shape
    require(max(in_h, in_w, out_h, out_w) <= (1 << 20), op,
            "sizes above 2^20 overflow TFLite's 10-bit fixed-point coordinates")
    a, h = op.options["align_corners"], op.options["half_pixel_centers"]
    rows, cols = axis_table(in_h, out_h, a, h), axis_table(in_w, out_w, a, h)
    require(max(rows[0::3]) < in_h and max(cols[0::3]) < in_w, op,
            f"resizing {in_h}x{in_w} to {out_h}x{out_w}: TFLite's rounded 10-bit scale puts a "
            "source coordinate past the input's last pixel (TFLite reads outside the input)")
    op.params = ResizeBilinearParams(batches=n, in_h=in_h, in_w=in_w, c=c, out_h=out_h,
                                     out_w=out_w, rows=rows, cols=cols)


def emit(ctx, op: Operator) -> None:
    p = op.params
    rows = ctx.const(p.rows, "int32_t", f"rows{op.index}")
    cols = ctx.const(p.cols, "int32_t", f"cols{op.index}")
    ctx.call("te_resize_bilinear_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.batches,
             p.in_h, p.in_w, p.c, p.out_h, p.out_w, rows, cols)


def macs(g: Graph, op: Operator) -> int:
    return 4 * g.t(op.outputs[0]).size


register(OpDef(name="RESIZE_BILINEAR", stem="resize_bilinear",
               read_options=read_options, prepare=prepare, emit=emit, macs=macs,
               kernels=("resize_bilinear",),
               signature=SIGNATURE, check=check))
