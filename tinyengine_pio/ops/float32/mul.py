"""MUL float32: a * b, then the fused activation's clamp (TFLM's mul.cc EvalMulFloatReference:
reference_ops::Mul / BroadcastMul6DSlow, ActivationFunctionWithMinMax(a * b))."""
from __future__ import annotations

import numpy as np

from ..base import register
from ..mul import read_options
from .binary import binary_opdef

register(binary_opdef("MUL", "mul", np.multiply, read_options))
