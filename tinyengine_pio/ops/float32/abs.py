"""ABS float32: TFLM's std::abs (the sign bit cleared)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _abs(x, _options):
    return np.abs(x)


register(unary_opdef("ABS", "abs", _abs))
