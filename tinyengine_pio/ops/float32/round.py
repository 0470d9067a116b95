"""ROUND float32: TFLM's reference_ops::RoundToNearest, half to even by hand: f = floor(x),
d = x - f; f where d < 0.5 or (d == 0.5 and (int)f is even), else f + 1. Not numpy's round in
the sign of a zero: -0.3 and -0.5 round to +0 (f + 1 = -1 + 1), -0 stays -0."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _round(x, _options):
    f = np.floor(x)
    d = x - f
    return np.where((d < np.float32(0.5)) | ((d == np.float32(0.5)) & (np.fmod(f, 2) == 0)),
                    f, f + np.float32(1.0))


register(unary_opdef("ROUND", "round", _round))
