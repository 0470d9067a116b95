"""SQRT float32: TFLM's std::sqrt (te_sqrtf: correctly rounded, so bit-equal)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _sqrt(x, _options):
    return np.sqrt(x)


register(unary_opdef("SQRT", "sqrt", _sqrt))
