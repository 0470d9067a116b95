"""RELU and RELU6 float32 (TFLM activations_common.cc ReluFloat `x < 0 ? 0 : x` and Relu6Float
`x > 6 ? 6 : x < 0 ? 0 : x`: NaN and -0 pass through). TFLM has no float RELU_N1_TO_1 or
RELU_0_TO_1 kernel (neither is in its op resolver)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef

F0, F6 = np.float32(0.0), np.float32(6.0)


def _relu(x, _options):
    return np.where(x < F0, F0, x)


def _relu6(x, _options):
    return np.where(x > F6, F6, np.where(x < F0, F0, x))


register(unary_opdef("RELU", "relu", _relu))
register(unary_opdef("RELU6", "relu", _relu6, func="te_relu6_f32"))
