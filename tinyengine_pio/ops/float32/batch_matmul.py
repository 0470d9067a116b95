"""BATCH_MATMUL float32: TFLM's batch_matmul.cc float path, reference_ops::BatchMatMul<float>:
per output, from 0.0f, the products summed over the depth in order (no fused activation, no
clamp). adj_x / adj_y and the broadcasting of up to three batch dimensions as the int8
implementation (ops/batch_matmul.py): TFLM's transposed copies only move values, here the
kernel reads both operands through strides and per-matrix offsets."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..batch_matmul import RANKS, _geometry, _offsets, check, macs, read_options
from ..signature import Operand, Signature
from .common import F32

SIGNATURE = Signature((Operand("lhs", dtypes=F32, ranks=RANKS, quantized=False),
                       Operand("rhs", dtypes=F32, ranks=RANKS, quantized=False)),
                      (Operand("output", dtypes=F32, ranks=RANKS, quantized=False),))


@dataclass
class FloatBatchMatMulParams:
    rows: int
    cols: int
    depth: int
    lhs_rs: int                # element strides: LHS row, LHS depth, RHS depth, RHS column
    lhs_ks: int
    rhs_ks: int
    rhs_cs: int
    lhs_off: np.ndarray        # per output matrix: element offset of its LHS and RHS matrices
    rhs_off: np.ndarray


def prepare(g: Graph, op: Operator) -> None:
    shape, rows, cols, depth, ls, rs = _geometry(g, op)
    adj_x, adj_y = op.options["adj_x"], op.options["adj_y"]
    op.params = FloatBatchMatMulParams(
        rows=rows, cols=cols, depth=depth,
        lhs_rs=1 if adj_x else depth, lhs_ks=rows if adj_x else 1,
        rhs_ks=1 if adj_y else cols, rhs_cs=depth if adj_y else 1,
        lhs_off=_offsets(shape[:-2], ls[:-2], ls[-1] * ls[-2]),
        rhs_off=_offsets(shape[:-2], rs[:-2], rs[-1] * rs[-2]))


def emit(ctx, op: Operator) -> None:
    p: FloatBatchMatMulParams = op.params
    ctx.call("te_batch_matmul_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]),
             ctx.ptr(op.outputs[0]), len(p.lhs_off),
             ctx.const(p.lhs_off, "int32_t", f"bmm_lhs{op.index}"),
             ctx.const(p.rhs_off, "int32_t", f"bmm_rhs{op.index}"), p.rows, p.cols, p.depth,
             p.lhs_rs, p.lhs_ks, p.rhs_ks, p.rhs_cs)


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding in the kernel's order: the depth summed one step at a time in float32
    (numpy's matmul would sum in another order)."""
    shape, rows, cols, depth, ls, rs = _geometry(g, op)
    lhs = g.t(op.inputs[0]).data.astype(np.float32).reshape(ls)
    rhs = g.t(op.inputs[1]).data.astype(np.float32).reshape(rs)
    if op.options["adj_x"]:
        lhs = np.swapaxes(lhs, -1, -2)
    if op.options["adj_y"]:
        rhs = np.swapaxes(rhs, -1, -2)
    total = np.zeros(shape, np.float32)
    with np.errstate(all="ignore"):
        for k in range(depth):
            total = total + lhs[..., :, k:k + 1] * rhs[..., k:k + 1, :]
    return [total.astype(np.float32)]


register(OpDef(name="BATCH_MATMUL", stem="batch_matmul", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("batch_matmul_f32",), macs=macs, signature=SIGNATURE, check=check,
               evaluate=evaluate))
