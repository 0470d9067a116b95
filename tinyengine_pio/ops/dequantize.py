"""DEQUANTIZE: int8 -> float32 at a model output (scale * (q - zp), one float rounding)."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from .base import OpDef, register, require
from .signature import UNARY, Operand, Signature, same_shape

SIGNATURE = Signature(UNARY.inputs, (Operand("output", dtypes=("float32",)),))


@dataclass
class DequantizeParams:
    n: int
    scale: float
    zp: int


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.dtype == "int8" and not inp.per_channel, op, "input must be per-tensor int8")
    require(out.dtype == "float32", op, f"output is {out.dtype}, expected float32")
    op.params = DequantizeParams(n=inp.size, scale=inp.s, zp=inp.zp)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_dequantize_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
             repr(float(p.scale)) + "f", p.zp)


register(OpDef(name="DEQUANTIZE", stem="dequantize", prepare=prepare, emit=emit,
               kernels=("dequantize",),
               signature=SIGNATURE, check=same_shape))
