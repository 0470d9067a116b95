"""SUB float32: a - b, then the fused activation's clamp (TFLM's sub.cc float path:
reference_ops::BroadcastSubSlow / SubWithActivation, ActivationFunctionWithMinMax(a - b))."""
from __future__ import annotations

import numpy as np

from ..base import register
from ..sub import read_options
from .binary import binary_opdef

register(binary_opdef("SUB", "sub", np.subtract, read_options))
