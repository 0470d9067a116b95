"""FLOOR float32: TFLM's std::floor (te_floorf, exact)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _floor(x, _options):
    return np.floor(x)


register(unary_opdef("FLOOR", "floor", _floor))
