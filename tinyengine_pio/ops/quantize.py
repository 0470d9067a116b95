"""QUANTIZE: int8 -> int8 requantization, or float32 -> int8 at the model input."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from ..quant import quantize_multiplier
from .base import OpDef, register, require
from .signature import Operand, Signature, same_shape

SIGNATURE = Signature((Operand("input", dtypes=("float32", "int8")),))
from .elementwise import elementwise_access


@dataclass
class QuantizeParams:
    """float32 -> int8 (`scale`, `zp`), or int8 -> int8 requantization (`mult`, `shift`)."""
    mode: str             # "float" or "int8"
    n: int
    scale: float = 0.0
    zp: int = 0
    in_zp: int = 0
    out_zp: int = 0
    mult: int = 0
    shift: int = 0


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(out.dtype == "int8" and not out.per_channel, op,
            f"output is {out.dtype}; only per-tensor int8 output is supported")
    if inp.dtype == "float32":
        op.params = QuantizeParams(mode="float", n=out.size, scale=out.s, zp=out.zp)
    else:
        require(inp.dtype == "int8", op, f"input is {inp.dtype}, expected int8 or float32")
        m, s = quantize_multiplier(inp.s / out.s)
        op.params = QuantizeParams(mode="int8", n=out.size, in_zp=inp.zp, out_zp=out.zp, mult=m,
                                   shift=s)


def emit(ctx, op: Operator) -> None:
    p = op.params
    if p.mode == "float":
        ctx.call("te_quantize_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
                 repr(float(p.scale)) + "f", p.zp)
    else:
        ctx.call("te_requantize_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
                 p.in_zp, p.mult, p.shift, p.out_zp)


register(OpDef(name="QUANTIZE", stem="quantize", prepare=prepare, emit=emit, kernels=("quantize",),
               access=elementwise_access,
               signature=SIGNATURE, check=same_shape))
