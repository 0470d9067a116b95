"""TFLite's int16 lookup tables (kernels/internal/common.h LUTPopulate<int16_t>, 513 entries):
512 samples of a float function over the input range, each lowered by half the error of the
linear interpolation at the segment's midpoint, and the last value; all in float32 as TFLite
computes them (the function's float results correctly rounded from double, which is what the
C library's expf gives at these points). The kernels read them with LUTLookup: 9 bits of
index, 7 of interpolation (te_lut16 in kernels/int16/te_int16.h)."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

F = np.float32
STEPS = 512


def round_half_away(x) -> np.float32:
    """TfLiteRound (std::round) of a float32, as float32."""
    x = float(x)
    return F(math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5))


def expf(v) -> np.float32:
    return F(math.exp(float(v)))


def lut_populate_int16(input_scale, input_zp: int, output_scale, output_zp: int,
                       fn: Callable) -> np.ndarray:
    """LUTPopulateInt16<float>: `fn` maps a float32 to a float32."""
    in_s, out_s = F(input_scale), F(output_scale)
    in_min, in_max = in_s * F(-32768 - input_zp), in_s * F(32767 - input_zp)
    out_min, out_max = out_s * F(-32768 - output_zp), out_s * F(32767 - output_zp)
    step = (in_max - in_min) / F(STEPS)
    half = step / F(2)
    inv = F(65536) / (out_max - out_min)
    lut = np.zeros(STEPS + 1, np.int16)
    for i in range(STEPS):
        x = in_min + F(i) * step
        val, mid, nxt = fn(x), fn(x + half), fn(in_min + F(i + 1) * step)
        sample = round_half_away(val * inv)
        interp = round_half_away((nxt * inv + round_half_away(val * inv)) / F(2))
        bias = round_half_away((interp - round_half_away(mid * inv)) / F(2))
        lut[i] = int(min(max(sample - bias, F(-32768)), F(32767)))
    lut[STEPS] = int(min(max(round_half_away(fn(in_max) * inv), F(-32768)), F(32767)))
    return lut
