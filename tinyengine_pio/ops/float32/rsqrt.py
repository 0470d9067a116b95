"""RSQRT float32: TFLM's `1.f / std::sqrt(x)` (te_sqrtf correctly rounded: bit-equal)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _rsqrt(x, _options):
    return np.float32(1.0) / np.sqrt(x)


register(unary_opdef("RSQRT", "rsqrt", _rsqrt))
