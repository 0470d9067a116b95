"""CAST (TFLM cast.cc: static_cast of each raw value; the quantization is ignored). Constant
inputs of any integer type fold at compile time (shape arithmetic: SHAPE -> CAST -> ...); at run
time int8 -> int16 / int32 (a widening copy of the raw values). Casts from or to float32 are
ops/float32/cast.py's."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import NP_TYPES, Graph, Operator
from .base import OpDef, register, require
from .signature import Operand, Signature, same_shape

TYPES = ("int8", "uint8", "int16", "int32", "int64", "float32", "bool")
# a cast from or to float32 is the float32 implementation's (ops/float32/cast.py)
INTEGERS = tuple(t for t in TYPES if t != "float32")
SIGNATURE = Signature((Operand("input", dtypes=INTEGERS, quantized=False),),
                      (Operand("output", dtypes=INTEGERS, quantized=False),))
RUNTIME = {"int16": "te_cast_s8_s16", "int32": "te_cast_s8_s32"}


@dataclass
class CastParams:
    n: int
    fn: str


def evaluate(g: Graph, op: Operator) -> list:
    """static_cast: integers wrap, floats truncate toward zero, non-zero is true."""
    data = np.asarray(g.t(op.inputs[0]).data)
    out = g.t(op.outputs[0]).dtype
    if out == "bool":
        return [data != 0]
    if data.dtype.kind == "f" and out != "float32":
        data = np.trunc(data)
    return [data.astype(NP_TYPES[out])]


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.dtype == "int8" and out.dtype in RUNTIME, op,
            f"CAST from {inp.dtype} to {out.dtype} at run time (int8 -> int16 or int32 only; "
            "constant inputs are folded at compile time)")
    op.params = CastParams(n=inp.size, fn=RUNTIME[out.dtype])


def emit(ctx, op: Operator) -> None:
    ctx.call(op.params.fn, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), op.params.n)


register(OpDef(name="CAST", stem="cast", prepare=prepare, emit=emit, kernels=("cast",),
               signature=SIGNATURE, check=same_shape, evaluate=evaluate))
