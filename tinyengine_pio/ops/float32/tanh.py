"""TANH float32: TFLM's std::tanh (te_tanhf, within a few ulp)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _tanh(x, _options):
    return np.tanh(x)


register(unary_opdef("TANH", "tanh", _tanh))
