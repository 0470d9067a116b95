"""EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL with broadcasting, bool output
(one byte, 0 or 1). TFLM comparisons.cc: int8 inputs are compared after rescaling each one
(ComparisonWithScaling: ((v - zero point) << 8) times QuantizeMultiplierSmallerThanOneExp of the
input's own scale, so TFLM needs both scales below 1), so operands of different quantizations
compare by real value; int32 (here, the int32 implementation) and float32
(ops/float32/comparisons.py) compare the raw values. Constant int32 / int64 operands fold."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from ..quant import ScaleError, quantize_multiplier_smaller_than_one_exp
from .base import OpDef, register, require
from .elementwise import (
    Broadcast,
    broadcast_4d,
    broadcast_values,
    check_broadcast,
    elementwise_access,
)
from .signature import Operand, Signature
from .signature import check as check_that

# name -> (kernel comparison code, numpy twin)
COMPARISONS = {"EQUAL": (0, np.equal), "NOT_EQUAL": (1, np.not_equal), "LESS": (2, np.less),
               "LESS_EQUAL": (3, np.less_equal), "GREATER": (4, np.greater),
               "GREATER_EQUAL": (5, np.greater_equal)}
BOOL_OUT = Operand("output", dtypes=("bool",), quantized=False)


def signature(dtypes: tuple[str, ...], quantized: bool) -> Signature:
    return Signature((Operand("input 0", dtypes=dtypes, quantized=quantized),
                      Operand("input 1", dtypes=dtypes, quantized=quantized)), (BOOL_OUT,))


@dataclass
class CompareParams:
    loops: Broadcast
    cmp: int                                  # COMPARISONS code
    scaling: tuple[int, ...] = ()             # int8: (a_off, a_mult, a_shift, b_off, b_mult, b_shift)


def check(g: Graph, op: Operator) -> None:
    """Both inputs of one dtype; the output their broadcast shape."""
    a, b = (g.t(i).dtype for i in op.inputs[:2])
    check_that(a == b, op, f"its inputs' types differ ({a}, {b})")
    check_broadcast(g, op)


def prepare_raw(g: Graph, op: Operator) -> None:
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(a.dtype != "int64", op, "int64 inputs are supported only when constant (folded)")
    op.params = CompareParams(broadcast_4d(op, a.shape, b.shape, out.shape),
                              COMPARISONS[op.kind][0])


def prepare(g: Graph, op: Operator) -> None:
    """int8: TFLM's per-input rescaling (ComparisonsPrepare)."""
    prepare_raw(g, op)
    scaling = []
    for i in op.inputs[:2]:
        t = g.t(i)
        require(not t.per_channel, op, "per-channel quantized inputs are not supported")
        try:
            mult, shift = quantize_multiplier_smaller_than_one_exp(t.s)
        except ScaleError:
            require(False, op, f"input scale {t.s:.6g} is not below 1 (TFLM's "
                               "QuantizeMultiplierSmallerThanOneExp aborts on it)")
        require(shift <= 0, op, f"input scale {t.s:.9g} rounds to a multiplier of 1")
        scaling += [-int(t.zp), int(mult), int(shift)]
    op.params.scaling = tuple(scaling)


def make_emit(func: str, in_bytes: int):
    def emit(ctx, op: Operator) -> None:
        p = op.params
        for ba, bb, bo in p.loops.bases:
            ctx.call(func, ctx.ptr(op.inputs[0], in_bytes * ba),
                     ctx.ptr(op.inputs[1], in_bytes * bb), ctx.ptr(op.outputs[0], bo),
                     *p.loops.loop_args(), p.cmp, *p.scaling)
    return emit


def evaluate(g: Graph, op: Operator) -> list:
    """Raw values (int32, int64, float32 constants)."""
    with np.errstate(invalid="ignore"):
        return [np.asarray(COMPARISONS[op.kind][1](*broadcast_values(g, op)), np.bool_)]


for _name in COMPARISONS:
    register(OpDef(name=_name, stem="comparisons", prepare=prepare,
                   emit=make_emit("te_compare_s8", 1), kernels=("comparisons",),
                   access=elementwise_access, signature=signature(("int8",), True), check=check))
    register(OpDef(name=_name, stem="comparisons", dtype="int32", prepare=prepare_raw,
                   emit=make_emit("te_compare_s32", 4), kernels=("comparisons",),
                   access=elementwise_access, signature=signature(("int32", "int64"), False),
                   check=check, evaluate=evaluate))
