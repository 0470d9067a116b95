"""HARD_SWISH float32 (TFLM reference_ops::HardSwish<float>:
`x * std::min(6, std::max(0, x + 3)) / 6`, in that order: bit-equal)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _hard_swish(x, _options):
    y = x + np.float32(3.0)
    y = np.where(np.float32(0.0) < y, y, np.float32(0.0))      # std::max(0, y): NaN -> 0
    y = np.where(y < np.float32(6.0), y, np.float32(6.0))      # std::min(6, y)
    return (x * y) / np.float32(6.0)


register(unary_opdef("HARD_SWISH", "hard_swish", _hard_swish))
