"""What the float32 implementations share: their operands (float32, no quantization), the fused
activation as a float clamp (TFLM's CalculateActivationRange<float>), and the C literal of a
float parameter."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ..signature import Operand, Signature

F32 = ("float32",)
F32_IN = Operand("input", dtypes=F32, quantized=False)
F32_OUT = Operand("output", dtypes=F32, quantized=False)
F32_UNARY = Signature((F32_IN,), (F32_OUT,))
F32_BINARY = Signature((Operand("input 0", dtypes=F32, quantized=False),
                        Operand("input 1", dtypes=F32, quantized=False)), (F32_OUT,))
F32_BIAS = Operand("bias", dtypes=F32, ranks=(1,), const=True, quantized=False, optional=True)

FLT_MAX = float(np.finfo(np.float32).max)
RANGES = {"NONE": (-FLT_MAX, FLT_MAX), "RELU": (0.0, FLT_MAX), "RELU6": (0.0, 6.0),
          "RELU_N1_TO_1": (-1.0, 1.0)}


def float_clamp(g: Graph, op: Operator) -> tuple[float, float]:
    """The fused activation's [lo, hi] (TFLM: std::min(std::max(x, lo), hi))."""
    return RANGES[op.options.get("activation", "NONE")]


def flit(v: float) -> str:
    """A float32 value as an exact C float literal (TE_FLT_MAX for the largest finite one)."""
    v = float(np.float32(v))
    if v == FLT_MAX:
        return "TE_FLT_MAX"
    if v == -FLT_MAX:
        return "(-TE_FLT_MAX)"
    if np.isnan(v) or np.isinf(v):
        raise ValueError(f"no literal for {v}")
    return repr(v) + "f"


@dataclass
class AffineParams:
    """QUANTIZE / DEQUANTIZE between float32 and int16: the element count and the int16
    tensor's per-tensor scale and zero point."""
    n: int
    scale: float
    zp: int


def affine_codec(kernel: str, int16_side: str):
    """(prepare, emit) of QUANTIZE / DEQUANTIZE between float32 and int16: the int16 tensor is
    input 0 or output 0 (`int16_side` "inputs" or "outputs"); the kernel takes (input, output,
    n, scale, zero point)."""
    def prepare(g: Graph, op: Operator) -> None:
        t = g.t(getattr(op, int16_side)[0])
        op.params = AffineParams(n=t.size, scale=t.s, zp=t.zp)

    def emit(ctx, op: Operator) -> None:
        p: AffineParams = op.params
        ctx.call(kernel, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, flit(p.scale), p.zp)

    return prepare, emit
