"""CEIL float32: TFLM's std::ceil (te_ceilf, exact)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _ceil(x, _options):
    return np.ceil(x)


register(unary_opdef("CEIL", "ceil", _ceil))
