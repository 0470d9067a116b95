"""BATCH_MATMUL float32: TFLM's batch_matmul.cc float path, reference_ops::BatchMatMul<float>:
per output, from 0.0f, the products summed over the depth in order (no fused activation, no
clamp). adj_x / adj_y and the broadcasting of up to three batch dimensions as the int8
implementation (ops/batch_matmul.py): TFLM's transposed copies only move values, here the
kernel reads both operands through strides and per-matrix offsets."""
from __future__ import annotations

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..batch_matmul import (
    RANKS,
    MatMulLayout,
    _geometry,
    check,
    layout_args,
    layout_fields,
    macs,
    read_options,
)
from ..signature import Operand, Signature
from .common import F32

SIGNATURE = Signature((Operand("lhs", dtypes=F32, ranks=RANKS, quantized=False),
                       Operand("rhs", dtypes=F32, ranks=RANKS, quantized=False)),
                      (Operand("output", dtypes=F32, ranks=RANKS, quantized=False),))


def prepare(g: Graph, op: Operator) -> None:
    op.params = MatMulLayout(**layout_fields(g, op))


def emit(ctx, op: Operator) -> None:
    ctx.call("te_batch_matmul_f32", *layout_args(ctx, op))


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
