"""Host-side quantization arithmetic, bit-for-bit as TFLite computes it in Prepare().

Everything here runs in Python at compile time; the device only sees the resulting integers.
"""
from __future__ import annotations

import math

import numpy as np

from .errors import ScaleError

INT8_MIN, INT8_MAX = -128, 127


def tflite_round(x: float) -> float:
    """std::round: half away from zero."""
    if not math.isfinite(x):
        raise ScaleError(f"cannot round {x} to an integer (a scale or option is not finite)")
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


MAX_LEFT_SHIFT = 30     # x * (1 << shift) in TFLite's MultiplyByQuantizedMultiplier


def quantize_multiplier(m: float, max_shift: int = MAX_LEFT_SHIFT) -> tuple[int, int]:
    """TFLite QuantizeMultiplier (double rounding build): m ~= q * 2^(shift - 31). Tiny
    multipliers flush to 0 as TFLite does; a non-finite one, or one needing a left shift above
    `max_shift` bits (30: undefined in MultiplyByQuantizedMultiplier), raises ScaleError. Callers
    that use the shift otherwise (softmax's input scaling, up to 31) pass their own bound."""
    if m == 0.0:
        return 0, 0
    if not math.isfinite(m):
        raise ScaleError(f"the requantization multiplier is {m} (a scale is zero or not finite)")
    q, shift = math.frexp(m)
    q_fixed = int(tflite_round(q * (1 << 31)))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift, q_fixed = 0, 0
    if shift > max_shift:
        raise ScaleError(f"the requantization multiplier {m:.6g} needs a left shift of {shift} "
                         f"bits; TFLite's integer arithmetic allows at most {max_shift}")
    return q_fixed, shift


def quantize_multiplier_smaller_than_one_exp(m: float) -> tuple[int, int]:
    if not 0.0 < m < 1.0:
        raise ScaleError(f"the rescaling multiplier {m:.6g} is not in (0, 1), as TFLite requires "
                         "(input and output scales too far apart)")
    return quantize_multiplier(m)


def f32(x) -> float:
    """Round a Python float to float32 and back (C `float` arithmetic)."""
    return float(np.float32(x))


def quantize_value(scale: float, zero_point: int, f: float) -> int:
    """kernel_util.cc Quantize(): float arithmetic, as TFLite does it."""
    tmp = tflite_round(f32(np.float32(f) / np.float32(scale)))
    return zero_point + int(tmp)


def activation_range(activation: str, scale: float, zero_point: int,
                     qmin: int = INT8_MIN, qmax: int = INT8_MAX) -> tuple[int, int]:
    """CalculateActivationRangeQuantized for a fused activation."""
    if activation == "RELU":
        return max(qmin, quantize_value(scale, zero_point, 0.0)), qmax
    if activation == "RELU6":
        return (max(qmin, quantize_value(scale, zero_point, 0.0)),
                min(qmax, quantize_value(scale, zero_point, 6.0)))
    if activation == "RELU_N1_TO_1":
        return (max(qmin, quantize_value(scale, zero_point, -1.0)),
                min(qmax, quantize_value(scale, zero_point, 1.0)))
    if activation == "NONE":
        return qmin, qmax
    raise ValueError(f"fused activation {activation} is not supported")


# --- reference integer arithmetic (numpy), used by tests and by host-side table generation ---

def srdhm(a: int, b: int) -> int:
    """gemmlowp SaturatingRoundingDoublingHighMul on Python ints."""
    if a == b == -(1 << 31):
        return (1 << 31) - 1
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else (1 - (1 << 30))
    v = ab + nudge
    q = abs(v) // (1 << 31)
    return q if v >= 0 else -q


def rdbpot(x: int, exponent: int) -> int:
    """gemmlowp RoundingDivideByPOT."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def multiply_by_quantized_multiplier(x: int, mult: int, shift: int) -> int:
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    return rdbpot(srdhm(_wrap32(x * (1 << left)), mult), right)


def _wrap32(x: int) -> int:
    return (x + (1 << 31)) % (1 << 32) - (1 << 31)
