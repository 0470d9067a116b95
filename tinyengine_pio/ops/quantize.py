"""QUANTIZE: int8 -> int8 requantization, float32 -> int8 at the model input, and uint8 -> int8 /
int8 -> uint8 at the model's edges (legacy uint8 image models), as TFLM's quantize_common.cc:
Requantize<uint8_t, int8_t> / <int8_t, uint8_t> with the multiplier of (double) in_scale /
out_scale and the zero-point shift. No other operator takes uint8, so a uint8 QUANTIZE input is
a model input and a uint8 output a model output."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from ..quant import quantize_multiplier
from .base import OpDef, register, require
from .signature import Operand, Signature, same_shape

SIGNATURE = Signature((Operand("input", dtypes=("float32", "int8", "uint8")),),
                      (Operand("output", dtypes=("int8", "uint8")),))
from .elementwise import elementwise_access


@dataclass
class QuantizeParams:
    """float32 -> int8 (`scale`, `zp`), or requantization (`mult`, `shift`) int8 -> int8, uint8 ->
    int8 or int8 -> uint8."""
    mode: str             # "float", "int8", "u8_s8" or "s8_u8"
    n: int
    scale: float = 0.0
    zp: int = 0
    in_zp: int = 0
    out_zp: int = 0
    mult: int = 0
    shift: int = 0


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(out.dtype in ("int8", "uint8") and not out.per_channel, op,
            f"output is {out.dtype}; only per-tensor int8 or uint8 output is supported")
    # TFLM's EvalQuantizeReference: float32 -> int8, int8 -> int8 / uint8, uint8 -> int8 only
    require(out.dtype == "int8" or inp.dtype == "int8", op,
            f"{inp.dtype} -> uint8 is not supported (TFLM quantizes only int8 to uint8)")
    if inp.dtype == "float32":
        op.params = QuantizeParams(mode="float", n=out.size, scale=out.s, zp=out.zp)
    else:
        require(inp.dtype in ("int8", "uint8"), op,
                f"input is {inp.dtype}, expected int8, uint8 or float32")
        m, s = quantize_multiplier(inp.s / out.s)
        mode = {("int8", "int8"): "int8", ("uint8", "int8"): "u8_s8",
                ("int8", "uint8"): "s8_u8"}[(inp.dtype, out.dtype)]
        op.params = QuantizeParams(mode=mode, n=out.size, in_zp=inp.zp, out_zp=out.zp, mult=m,
                                   shift=s)


def emit(ctx, op: Operator) -> None:
    p = op.params
    if p.mode == "float":
        ctx.call("te_quantize_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
                 repr(float(p.scale)) + "f", p.zp)
    else:
        fn = {"int8": "te_requantize_s8", "u8_s8": "te_requantize_u8_s8",
              "s8_u8": "te_requantize_s8_u8"}[p.mode]
        ctx.call(fn, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n,
                 p.in_zp, p.mult, p.shift, p.out_zp)


register(OpDef(name="QUANTIZE", stem="quantize", prepare=prepare, emit=emit, kernels=("quantize",),
               access=elementwise_access,
               signature=SIGNATURE, check=same_shape))
