"""SQUARED_DIFFERENCE float32: d = a - b, then d * d; no fused activation (TFLM's
squared_difference.cc SquaredDifference<float> through BroadcastBinaryFunction4DSlow)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .binary import binary_opdef


def _squared_difference(a, b):
    d = (a - b).astype(np.float32)
    return d * d


register(binary_opdef("SQUARED_DIFFERENCE", "squared_difference", _squared_difference,
                      clamps=False))
