"""The float32 broadcasting binary operators (ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM,
MINIMUM, PRELU): one OpDef factory, each operator's module gives its name, its options reader
and its numpy twin (constant folding); its kernel `kernels/float32/<stem>.c` is one TE_BROADCAST_4D_T
loop (TFLM's BroadcastBinaryFunction6DSlow / reference_ops element loops: the same single
float operation per element, so the bits are equal)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef
from ..elementwise import Broadcast, broadcast_4d, check_broadcast, elementwise_access
from .common import F32_BINARY, flit, float_clamp


@dataclass
class FloatBinaryParams:
    loops: Broadcast
    lo: float          # the fused activation's clamp
    hi: float


def prepare(g: Graph, op: Operator) -> None:
    a, b, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    op.params = FloatBinaryParams(broadcast_4d(op, a.shape, b.shape, out.shape),
                                  *float_clamp(g, op))


def make_emit(func: str, clamps: bool):
    def emit(ctx, op: Operator) -> None:
        p = op.params
        for ba, bb, bo in p.loops.bases:
            args = [ctx.ptr(op.inputs[0], 4 * ba), ctx.ptr(op.inputs[1], 4 * bb),
                    ctx.ptr(op.outputs[0], 4 * bo), *p.loops.loop_args()]
            ctx.call(func, *args, *((flit(p.lo), flit(p.hi)) if clamps else ()))
    return emit


def make_evaluate(fn: Callable, clamps: bool):
    def evaluate(g: Graph, op: Operator) -> list:
        a = g.t(op.inputs[0]).data.astype(np.float32)
        b = g.t(op.inputs[1]).data.astype(np.float32)
        with np.errstate(all="ignore"):
            r = np.asarray(fn(a, b), np.float32)
        if clamps:
            lo, hi = (np.float32(v) for v in float_clamp(g, op))
            r = np.where(r < lo, lo, r)
            r = np.where(hi < r, hi, r)
        return [r.astype(np.float32)]
    return evaluate


def binary_opdef(name: str, stem: str, fn: Callable, read_options=None,
                 clamps: bool = True, func: str | None = None, prepare=prepare) -> OpDef:
    """The float32 OpDef of a broadcasting binary operator: kernel `te_<stem>_f32(a, b, out,
    d0..d3, a0..a3, b0..b3[, lo, hi])` in kernels/float32/<stem>.c (`func` names another
    function of that file, where a stem holds two operators: te_maximum_f32, te_minimum_f32;
    `prepare` may add refusals before calling this module's)."""
    extra = {"read_options": read_options} if read_options else {}
    return OpDef(name=name, stem=stem, dtype="float32", prepare=prepare,
                 emit=make_emit(func or f"te_{stem}_f32", clamps), kernels=(f"{stem}_f32",),
                 access=elementwise_access, signature=F32_BINARY, check=check_broadcast,
                 evaluate=make_evaluate(fn, clamps), **extra)
