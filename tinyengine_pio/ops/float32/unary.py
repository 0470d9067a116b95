"""The float32 element-wise unary operators (RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC,
TANH, EXP, ABS, NEG, SQUARE, SQRT, RSQRT, LOG, FLOOR, CEIL, ROUND, SIN, COS): one OpDef factory;
each operator's module gives its name, its numpy twin (constant folding) and, where it has
them, its options reader and float parameters. Its kernel `te_<func>_f32(in, out, n[, params])`
in kernels/float32/<stem>.c applies TFLM's per-element expression in TFLM's order, in place
if the planner asks (element i read, then written)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, require
from ..elementwise import elementwise_access
from ..signature import same_shape
from .common import F32_UNARY, flit


@dataclass
class FloatUnaryParams:
    n: int                               # elements
    args: tuple[float, ...] = ()         # the kernel's float parameters (LEAKY_RELU's alpha)


def make_prepare(args_of: Callable | None):
    def prepare(g: Graph, op: Operator) -> None:
        named = {k: float(np.float32(v)) for k, v in (args_of(g, op) if args_of else {}).items()}
        for k, v in named.items():
            require(bool(np.isfinite(v)), op, f"{k} {v} is not finite")
        op.params = FloatUnaryParams(g.t(op.inputs[0]).size, tuple(named.values()))
    return prepare


def make_emit(func: str):
    def emit(ctx, op: Operator) -> None:
        p = op.params
        ctx.call(func, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
                 *(flit(a) for a in p.args))
    return emit


def make_evaluate(fn: Callable):
    def evaluate(g: Graph, op: Operator) -> list:
        x = g.t(op.inputs[0]).data.astype(np.float32)
        with np.errstate(all="ignore"):
            return [np.asarray(fn(x, op.options), np.float32)]
    return evaluate


def unary_opdef(name: str, stem: str, fn: Callable, read_options=None, func: str | None = None,
                args_of: Callable | None = None) -> OpDef:
    """The float32 OpDef of an element-wise unary operator: kernel `te_<stem>_f32` (or `func`)
    in kernels/float32/<stem>.c; `fn(x, options)` its numpy twin; `args_of(g, op)` the float
    parameters passed after n, by name ({"alpha": ...})."""
    extra = {"read_options": read_options} if read_options else {}
    return OpDef(name=name, stem=stem, dtype="float32", prepare=make_prepare(args_of),
                 emit=make_emit(func or f"te_{stem}_f32"), kernels=(f"{stem}_f32",),
                 access=elementwise_access, signature=F32_UNARY, check=same_shape,
                 evaluate=make_evaluate(fn), **extra)
