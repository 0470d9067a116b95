"""RSQRT int16 as TFLM's elementwise.cc RsqrtEvalQuantized<int16_t> (zero points 0, as
PrepareAbsRsqrt requires for int16): per value GetInvSqrtQuantizedMultiplierExp's integer
Newton-Raphson, MultiplyByQuantizedMultiplier(1, ...) with kShift 20, then by
SetRsqrtOutputMultiplier's 1 / (sqrt(input scale) * output scale) (in double, as the
tflite_micro wheel computes it: ops/rsqrt.py's float product is off by one for 1 in ~30000
values) with the shift less 20, clamped to int16; 0 gives 32767. The device runs the
Newton-Raphson (kernels/int16/rsqrt.c), a 32768-entry table being too large. TFLM stops with "Rsqrt is only defined for positive values" on a negative input;
there the kernel writes 32767, as for 0."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...fixedpoint import inv_sqrt_quantized_multiplier_exp
from ...ir import Graph, Operator
from ...quant import multiply_by_quantized_multiplier, quantize_multiplier
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..rsqrt import K_REVERSE_SHIFT, K_SHIFT
from ..signature import same_shape
from .common import INT16_MAX, INT16_MIN, S16_UNARY


@dataclass
class Int16RsqrtParams:
    n: int
    mult: int
    shift: int        # the output multiplier's shift less kShift (20)


def _params(g: Graph, op: Operator) -> Int16RsqrtParams:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.zp == 0 and out.zp == 0, op, "int16 RSQRT needs zero points 0 (TFLM requires "
                                             "them)")
    # the tflite_micro wheel computes it in double: 1 / (sqrt(double) * double)
    real = 1.0 / (math.sqrt(inp.s) * out.s)
    require(math.isfinite(real), op, "1 / (sqrt(input scale) * output scale) is not finite")
    mult, shift = quantize_multiplier(real)
    require(shift - K_SHIFT >= -31, op, f"output scale too large for TFLite's RSQRT rescaling "
                                        f"(shift {shift - K_SHIFT} < -31)")
    return Int16RsqrtParams(inp.size, mult, shift - K_SHIFT)


def _rsqrt(p: Int16RsqrtParams, value: int) -> int:
    if value <= 0:
        return INT16_MAX
    inv, inv_shift = inv_sqrt_quantized_multiplier_exp(value, K_REVERSE_SHIFT)
    data = multiply_by_quantized_multiplier(1, inv, inv_shift + K_SHIFT)
    return max(INT16_MIN, min(INT16_MAX, multiply_by_quantized_multiplier(data, p.mult,
                                                                           p.shift)))


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding: the kernel's arithmetic per element."""
    p = _params(g, op)
    x = np.asarray(g.t(op.inputs[0]).data).astype(np.int64).reshape(-1)
    return [np.array([_rsqrt(p, int(v)) for v in x], np.int16).reshape(g.t(op.outputs[0]).shape)]


def prepare(g: Graph, op: Operator) -> None:
    op.params = _params(g, op)


def emit(ctx, op: Operator) -> None:
    p: Int16RsqrtParams = op.params
    ctx.call("te_rsqrt_s16", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.mult,
             p.shift)


register(OpDef(name="RSQRT", stem="rsqrt", dtype="int16", prepare=prepare, emit=emit,
               kernels=("rsqrt_s16",), access=elementwise_access, signature=S16_UNARY,
               check=same_shape, evaluate=evaluate))
