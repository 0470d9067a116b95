"""QUANTIZE float32 -> int16 (the float edge of an int16 graph): TFLM's quantize_common.cc runs
reference_ops::AffineQuantize<float, int16_t>, (int32_t)round(x / scale) + zero point clamped
to int16, with the output's per-tensor scale and any zero point. float32 -> int8 / uint8 stays
with the primary (ops/quantize.py)."""
from __future__ import annotations

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..elementwise import elementwise_access
from ..signature import Operand, Signature, same_shape
from .common import F32_IN, affine_codec

SIGNATURE = Signature((F32_IN,), (Operand("output", dtypes=("int16",)),))

prepare, emit = affine_codec("te_quantize_f32_s16", "outputs")


def evaluate(g: Graph, op: Operator) -> list:
    """Constant folding: round half away from zero of x / scale in float32, + zero point,
    clamped (NaN and out-of-range quotients become INT32_MIN first, as on x86)."""
    out = g.t(op.outputs[0])
    with np.errstate(all="ignore"):
        q = (g.t(op.inputs[0]).data.astype(np.float32) / np.float32(out.s)).astype(np.float64)
        r = np.where(np.abs(q) < 2.0 ** 31, np.trunc(q + np.copysign(0.5, q)), -2.0 ** 31)
        r = np.where(np.isfinite(q), r, -2.0 ** 31)
        v = (r.astype(np.int64) + out.zp + (1 << 31)) % (1 << 32) - (1 << 31)
    return [np.clip(v, -32768, 32767).astype(np.int16)]


register(OpDef(name="QUANTIZE", stem="quantize", dtype="float32", prepare=prepare, emit=emit,
               kernels=("quantize_f32",), access=elementwise_access, signature=SIGNATURE,
               check=same_shape, evaluate=evaluate))
