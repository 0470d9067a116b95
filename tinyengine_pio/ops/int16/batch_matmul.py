"""BATCH_MATMUL int16 as TFLM's batch_matmul.cc EvalInt16: zero points 0 (Prepare requires
them), reference_ops::BatchMatMul<int16_t, int64_t>: per output the int64 sum of l * r over the
depth, MultiplyByQuantizedMultiplier(int64_t) (the multiplier rounded to 16 bits: te_requant64)
by GetQuantizedConvolutionMultipler (the float product of the input scales, then double / the
output scale), clamped to int16. adj_x / adj_y and batch broadcasting as the int8
implementation (ops/batch_matmul.py: strides and per-matrix offsets). Refused: a left shift
above 7 bits or a depth whose sum may leave |x| < 2^47 (what TFLM's int64 requantization
asserts)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ...quant import f32
from ..base import OpDef, register, require
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
from .common import ACC64_BOUND, S16, checked_multiplier

SIGNATURE = Signature((Operand("lhs", dtypes=S16, ranks=RANKS),
                       Operand("rhs", dtypes=S16, ranks=RANKS)),
                      (Operand("output", dtypes=S16, ranks=RANKS),))


@dataclass
class Int16BatchMatMulParams(MatMulLayout):
    mult: int
    shift: int


def prepare(g: Graph, op: Operator) -> None:
    lhs, rhs, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    for what, t in (("lhs", lhs), ("rhs", rhs), ("output", out)):
        require(t.zp == 0, op, f"{what} zero point is {t.zp}; TFLM's int16 BATCH_MATMUL "
                               "requires 0")
    depth = _geometry(g, op)[3]
    worst = depth * 32768 * 32768
    require(worst < ACC64_BOUND, op, f"{depth} products per output may reach {worst:,}, beyond "
                                     f"the int64 requantization's bound {ACC64_BOUND - 1:,}")
    m, s = checked_multiplier(f32(np.float32(lhs.s) * np.float32(rhs.s)) / out.s, True)
    op.params = Int16BatchMatMulParams(**layout_fields(g, op), mult=m, shift=s)


def emit(ctx, op: Operator) -> None:
    p: Int16BatchMatMulParams = op.params
    ctx.call("te_batch_matmul_s16", *layout_args(ctx, op), p.mult, p.shift)


register(OpDef(name="BATCH_MATMUL", stem="batch_matmul", dtype="int16",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("batch_matmul_s16",), macs=macs, signature=SIGNATURE, check=check))
