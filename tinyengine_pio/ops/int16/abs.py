"""ABS int16 as TFLM's elementwise.cc: a quantized input (PrepareAbsRsqrt requires zero points
0) takes AbsEvalQuantized<int16_t>: |x|, requantized only where the float32 scales differ
(SetAbsOutputMultiplier: the ratio in float, then QuantizeMultiplier), clamped to int16; an
input without quantization takes AbsHelper, std::abs truncated to int16 (-32768 stays -32768).
kernels/int16/abs.c."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ...quant import f32, multiply_by_quantized_multiplier, quantize_multiplier
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..signature import Operand, Signature, same_shape
from .common import INT16_MAX, INT16_MIN, S16

# the input may be unquantized (TFLM's AbsHelper path); then so may the output
SIGNATURE = Signature((Operand("input", dtypes=S16, quantized=False),),
                      (Operand("output", dtypes=S16, quantized=False),))


@dataclass
class Int16AbsParams:
    n: int
    mode: int         # 0: std::abs truncated to int16, 1: clamped |x|, 2: requantized |x|
    mult: int
    shift: int


def _params(g: Graph, op: Operator) -> Int16AbsParams:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    if inp.scale is None:
        return Int16AbsParams(inp.size, 0, 0, 0)
    require(out.scale is not None, op, "the input is quantized, the output is not (TFLM "
                                       "requires both)")
    require(inp.zp == 0 and out.zp == 0, op, "int16 ABS needs zero points 0 (TFLM requires "
                                             "them)")
    if np.float32(inp.s) == np.float32(out.s):
        return Int16AbsParams(inp.size, 1, 0, 0)
    mult, shift = quantize_multiplier(f32(np.float32(inp.s) / np.float32(out.s)))
    return Int16AbsParams(inp.size, 2, mult, shift)


def _abs(p: Int16AbsParams, x: int) -> int:
    if p.mode == 0:
        return x if x == INT16_MIN else abs(x)
    v = abs(x) if p.mode == 1 else multiply_by_quantized_multiplier(abs(x), p.mult, p.shift)
    return max(INT16_MIN, min(INT16_MAX, v))


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding: the kernel's arithmetic per element."""
    p = _params(g, op)
    x = np.asarray(g.t(op.inputs[0]).data).astype(np.int64).reshape(-1)
    return [np.array([_abs(p, int(v)) for v in x], np.int16).reshape(g.t(op.outputs[0]).shape)]


def prepare(g: Graph, op: Operator) -> None:
    op.params = _params(g, op)


def emit(ctx, op: Operator) -> None:
    p: Int16AbsParams = op.params
    ctx.call("te_abs_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.mode, p.mult,
             p.shift)


register(OpDef(name="ABS", stem="abs", dtype="int16", prepare=prepare, emit=emit,
               kernels=("abs_s16",), access=elementwise_access, signature=SIGNATURE,
               check=same_shape, evaluate=evaluate))
