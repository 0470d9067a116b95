"""SIN and COS float32: TFLM's std::sin / std::cos (elementwise.cc, float32 only), computed
without libm in kernels/float32/sin_cos.c (exact argument reduction, also for the largest
floats), within a few ulp."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _sin(x, _options):
    return np.sin(x)


def _cos(x, _options):
    return np.cos(x)


register(unary_opdef("SIN", "sin_cos", _sin, func="te_sin_f32"))
register(unary_opdef("COS", "sin_cos", _cos, func="te_cos_f32"))
