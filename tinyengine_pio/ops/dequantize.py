"""DEQUANTIZE: int8 or uint8 -> float32 at a model output (scale * (q - zp), one float rounding;
TFLM's dequantize.cc takes uint8 input too). A uint8 input is a model input: no other operator
writes uint8 except QUANTIZE."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from .base import OpDef, register, require
from .signature import Operand, Signature, same_shape

SIGNATURE = Signature((Operand("input", dtypes=("int8", "uint8")),),
                      (Operand("output", dtypes=("float32",)),))


@dataclass
class DequantizeParams:
    n: int
    scale: float
    zp: int
    dtype: str = "int8"


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.dtype in ("int8", "uint8") and not inp.per_channel, op,
            "input must be per-tensor int8 or uint8")
    require(out.dtype == "float32", op, f"output is {out.dtype}, expected float32")
    op.params = DequantizeParams(n=inp.size, scale=inp.s, zp=inp.zp, dtype=inp.dtype)


def emit(ctx, op: Operator) -> None:
    p = op.params
    fn = "te_dequantize_u8" if p.dtype == "uint8" else "te_dequantize_s8"
    ctx.call(fn, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
             repr(float(p.scale)) + "f", p.zp)


register(OpDef(name="DEQUANTIZE", stem="dequantize", prepare=prepare, emit=emit,
               kernels=("dequantize",),
               signature=SIGNATURE, check=same_shape))
