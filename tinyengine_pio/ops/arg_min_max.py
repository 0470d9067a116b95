"""ARG_MAX and ARG_MIN over one constant axis of an int8 tensor (TFLM arg_min_max.cc,
reference_ops::ArgMinMax): the index of the first largest (smallest) value, as int32 or int64
per the output tensor's type (TFLM itself runs only int32 outputs and int32 axes)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require
from .signature import Operand, Signature, axis_in, const_int, expect_shape
from .signature import check as check_that


@dataclass
class ArgMinMaxParams:
    outer: int          # product of the dims before the axis
    axis_size: int
    inner: int          # product of the dims after the axis
    is_max: bool
    out_ctype: str      # "int32_t" or "int64_t"


SIGNATURE = Signature((Operand("input", quantized=False), const_int("axis", ranks=(0, 1))),
                      (Operand("output", dtypes=("int32", "int64"), quantized=False),))


def _axis(g: Graph, op: Operator) -> int:
    inp, ax = g.t(op.inputs[0]), g.t(op.inputs[1])
    rank = len(inp.shape)
    check_that(rank >= 1, op, "the input is a scalar")
    check_that(ax.size == 1, op, f"axis '{ax.name}' has {ax.size} values, expected one")
    return axis_in(op, int(np.asarray(ax.data).reshape(-1)[0]), rank)


def check(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    axis = _axis(g, op)
    expect_shape(g, op, [d for k, d in enumerate(inp.shape) if k != axis],
                 why=f"the input's shape without axis {axis}")


def evaluate(g: Graph, op: Operator) -> list:
    x = np.asarray(g.t(op.inputs[0]).data)
    f = np.argmax if op.kind == "ARG_MAX" else np.argmin      # numpy too: the first index
    return [f(x, axis=_axis(g, op))]


def prepare(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    require(inp.dtype == "int8", op, f"input 0 '{inp.name}' is {inp.dtype}, expected int8")
    op.params = params(g, op)


def params(g: Graph, op: Operator) -> ArgMinMaxParams:
    """The loop sizes around the axis (shared with the float32 implementation)."""
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    axis = _axis(g, op)
    shape = list(inp.shape)
    return ArgMinMaxParams(outer=int(np.prod(shape[:axis], dtype=np.int64)),
                                axis_size=shape[axis],
                                inner=int(np.prod(shape[axis + 1:], dtype=np.int64)),
                                is_max=op.kind == "ARG_MAX", out_ctype=out.ctype)


def emitter(dtype: str):
    """The emit of the implementation whose kernels are te_arg_min_max_<dtype>_{i32,i64}
    (shared with the float32 implementation)."""
    def emit(ctx, op: Operator) -> None:
        p: ArgMinMaxParams = op.params
        suffix = "i64" if p.out_ctype == "int64_t" else "i32"
        ctx.call(f"te_arg_min_max_{dtype}_{suffix}", ctx.ptr(op.inputs[0]),
                 ctx.ptr(op.outputs[0]), p.outer, p.axis_size, p.inner, int(p.is_max))
    return emit


emit = emitter("s8")


for _name in ("ARG_MAX", "ARG_MIN"):
    register(OpDef(name=_name, stem="arg_min_max", prepare=prepare, emit=emit,
                   kernels=("arg_min_max",), signature=SIGNATURE, check=check,
                   evaluate=evaluate))
