"""BATCH_MATMUL: int8 LHS and RHS (either constant or computed, per-tensor quantized), adj_x /
adj_y, broadcasting of up to three batch dimensions (ranks 2 to 5), as TFLM's batch_matmul.cc:
Prepare's output shape and GetQuantizedConvolutionMultipler (float product of the input scales,
then double), reference_ops::BatchMatMul<int8_t, int32_t>'s sums of (l - lhs_zp) * (r - rhs_zp),
requantized and clamped to int8 (no fused activation). The transposes TFLM makes for adj_x and
(without adj_y) the RHS only move bytes: here the kernel reads both operands through strides."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..errors import UnsupportedError
from ..ir import Graph, Operator
from ..quant import f32, quantize_multiplier
from .base import OpDef, options_table, register
from .signature import ACC_MAX, Operand, Signature, expect_shape
from .signature import check as check_that

RANKS = (2, 3, 4, 5)
SIGNATURE = Signature((Operand("lhs", ranks=RANKS), Operand("rhs", ranks=RANKS)),
                      (Operand("output", ranks=RANKS),))


@dataclass
class MatMulLayout:
    """How every dtype's kernel walks the operands: sizes, strides and per-matrix offsets."""
    rows: int
    cols: int
    depth: int
    lhs_rs: int                # element strides: LHS row, LHS depth, RHS depth, RHS column
    lhs_ks: int
    rhs_ks: int
    rhs_cs: int
    lhs_off: np.ndarray        # per output matrix: element offset of its LHS and RHS matrices
    rhs_off: np.ndarray


@dataclass
class BatchMatMulParams(MatMulLayout):
    lhs_zp: int
    rhs_zp: int
    out_zp: int
    mult: int
    shift: int


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.BatchMatMulOptions)
    if o is None:
        return dict(adj_x=False, adj_y=False)
    return dict(adj_x=bool(o.AdjX()), adj_y=bool(o.AdjY()))


def _geometry(g: Graph, op: Operator):
    """(output shape, rows, cols, depth, lhs shape, rhs shape) with batch dims extended to the
    output rank, as TFLM's Prepare; MalformedModelError where the shapes do not multiply."""
    ls, rs = list(g.t(op.inputs[0]).shape), list(g.t(op.inputs[1]).shape)
    rank = max(len(ls), len(rs))
    ls, rs = [1] * (rank - len(ls)) + ls, [1] * (rank - len(rs)) + rs
    batch = []
    for a, b in zip(ls[:-2], rs[:-2]):
        check_that(a == b or a == 1 or b == 1, op,
                   f"batch dimensions {ls[:-2]} and {rs[:-2]} do not broadcast")
        batch.append(b if a == 1 else a)
    adj_x, adj_y = op.options["adj_x"], op.options["adj_y"]
    rows, depth = (ls[-1], ls[-2]) if adj_x else (ls[-2], ls[-1])
    r_depth, cols = (rs[-1], rs[-2]) if adj_y else (rs[-2], rs[-1])
    check_that(depth == r_depth, op, f"the LHS {'rows' if adj_x else 'columns'} ({depth}) differ "
                                     f"from the RHS {'columns' if adj_y else 'rows'} ({r_depth})")
    return batch + [rows, cols], rows, cols, depth, ls, rs


def check(g: Graph, op: Operator) -> None:
    shape, *_ = _geometry(g, op)
    expect_shape(g, op, shape, why=f"adj_x {op.options['adj_x']}, adj_y {op.options['adj_y']}")


def _offsets(batch: list[int], dims: list[int], size: int) -> np.ndarray:
    """Element offset of each output matrix's operand matrix (broadcast dims do not advance)."""
    strides, acc = [], size
    for d in reversed(dims):
        strides.append(0 if d == 1 else acc)
        acc *= d
    strides.reverse()
    idx = np.indices(batch, dtype=np.int64).reshape(len(batch), -1) if batch else \
        np.zeros((0, 1), np.int64)
    return (np.asarray(strides, np.int64)[:, None] * idx).sum(axis=0).astype(np.int32)


def layout_fields(g: Graph, op: Operator) -> dict:
    """The MatMulLayout fields (every dtype): adj_x / adj_y as strides, broadcasting as
    offsets."""
    shape, rows, cols, depth, ls, rs = _geometry(g, op)
    adj_x, adj_y = op.options["adj_x"], op.options["adj_y"]
    return dict(rows=rows, cols=cols, depth=depth,
                lhs_rs=1 if adj_x else depth, lhs_ks=rows if adj_x else 1,
                rhs_ks=1 if adj_y else cols, rhs_cs=depth if adj_y else 1,
                lhs_off=_offsets(shape[:-2], ls[:-2], ls[-1] * ls[-2]),
                rhs_off=_offsets(shape[:-2], rs[:-2], rs[-1] * rs[-2]))


def layout_args(ctx, op: Operator) -> tuple:
    """The kernels' leading arguments (every dtype): LHS, RHS, output, the number of output
    matrices, the offset tables, rows, cols, depth and the four strides."""
    p: MatMulLayout = op.params
    return (ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]), ctx.ptr(op.outputs[0]), len(p.lhs_off),
            ctx.const(p.lhs_off, "int32_t", f"bmm_lhs{op.index}"),
            ctx.const(p.rhs_off, "int32_t", f"bmm_rhs{op.index}"), p.rows, p.cols, p.depth,
            p.lhs_rs, p.lhs_ks, p.rhs_ks, p.rhs_cs)


def prepare(g: Graph, op: Operator) -> None:
    lhs, rhs, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    depth = _geometry(g, op)[3]
    worst = depth * 255 * 255
    if worst > ACC_MAX:
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {depth} products per output may "
                               f"overflow the int32 accumulator (worst case {worst:,}); TFLite's "
                               "result would be undefined")
    m, s = quantize_multiplier(f32(np.float32(lhs.s) * np.float32(rhs.s)) / out.s)
    op.params = BatchMatMulParams(**layout_fields(g, op), lhs_zp=lhs.zp, rhs_zp=rhs.zp,
                                  out_zp=out.zp, mult=m, shift=s)


def emit(ctx, op: Operator) -> None:
    p: BatchMatMulParams = op.params
    ctx.call("te_batch_matmul_s8", *layout_args(ctx, op), -p.lhs_zp, -p.rhs_zp, p.out_zp, p.mult,
             p.shift)


def macs(g: Graph, op: Operator) -> int:
    depth = _geometry(g, op)[3]
    return g.t(op.outputs[0]).size * depth


register(OpDef(name="BATCH_MATMUL", stem="batch_matmul", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("batch_matmul",), macs=macs,
               signature=SIGNATURE, check=check))
