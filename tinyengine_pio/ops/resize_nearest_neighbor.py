"""RESIZE_NEAREST_NEIGHBOR: source row/column index tables computed on the host with TFLite's
float32 arithmetic, so the device only copies pixels. int8, and int16, int32 and float32 as
bytes (a pixel of c elements is c * E bytes; ops/movement.py)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import DTYPE_BYTES, Graph, Operator
from ..quant import tflite_round
from .base import OpDef, options_table, register, require
from .movement import bptr, register_dtypes
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that


@dataclass
class ResizeParams:
    batches: int
    in_h: int
    in_w: int
    c: int
    out_h: int
    out_w: int
    ys: list[int]         # source row of each output row
    xs: list[int]         # source column of each output column
    elem: int = 1         # bytes per element


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.ResizeNearestNeighborOptions)
    return dict(align_corners=bool(o.AlignCorners()) if o else False,
                half_pixel_centers=bool(o.HalfPixelCenters()) if o else False)


def nearest(i: int, in_size: int, out_size: int, align: bool, half: bool) -> int:
    f32 = np.float32
    scale = (f32(in_size - 1) / f32(out_size - 1)) if (align and out_size > 1) else \
        (f32(in_size) / f32(out_size))
    v = (f32(i) + f32(0.5 if half else 0.0)) * scale
    r = int(tflite_round(float(v))) if align else int(math.floor(float(v)))
    r = min(r, in_size - 1)
    return max(0, r) if half else r


SIGNATURE = Signature((Operand("input", ranks=(4,)), const_int("size", ranks=(1,))))


def check(g: Graph, op: Operator) -> None:
    n, _, _, c = g.t(op.inputs[0]).shape
    size = [int(v) for v in np.asarray(g.t(op.inputs[1]).data).reshape(-1)]
    check_that(len(size) == 2 and min(size) >= 1, op, f"size {size} is not [height, width]")
    expect_shape(g, op, [n, *size, c], why=f"size {size}")


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(len(inp.shape) == 4, op, "expected a 4-D input")
    n, in_h, in_w, c = inp.shape
    _, out_h, out_w, _ = out.shape
    a, h = op.options["align_corners"], op.options["half_pixel_centers"]
    op.params = ResizeParams(batches=n, in_h=in_h, in_w=in_w, c=c, out_h=out_h, out_w=out_w,
                             ys=[nearest(y, in_h, out_h, a, h) for y in range(out_h)],
                             xs=[nearest(x, in_w, out_w, a, h) for x in range(out_w)],
                             elem=DTYPE_BYTES[inp.dtype])


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctype = "int16_t" if max(p.in_h, p.in_w) < 32768 else "int32_t"
    ys = ctx.const(p.ys, ctype, f"rows{op.index}")
    xs = ctx.const(p.xs, ctype, f"cols{op.index}")
    func = "te_resize_nearest_neighbor_s8" if ctype == "int16_t" else "te_resize_nearest_neighbor32_s8"
    ctx.call(func, bptr(ctx, op.inputs[0]), bptr(ctx, op.outputs[0]), p.batches, p.in_h, p.in_w,
             p.c * p.elem, p.out_h, p.out_w, ys, xs)


register_dtypes(register(OpDef(name="RESIZE_NEAREST_NEIGHBOR", stem="resize_nearest_neighbor",
                               read_options=read_options, prepare=prepare, emit=emit,
                               kernels=("resize_nearest_neighbor",),
                               signature=SIGNATURE, check=check)))
