"""LOGISTIC float32 (TFLM reference_ops::Logistic: 1 above 16.619047164916992188, exp(x) below
-9, else 1 / (1 + exp(-x)); exp is te_expf, within a few ulp of TFLM's std::exp)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef

CUTOFF_UPPER = np.float32(16.619047164916992188)
CUTOFF_LOWER = np.float32(-9.0)


def _logistic(x, _options):
    one = np.float32(1.0)
    return np.where(x > CUTOFF_UPPER, one,
                    np.where(x < CUTOFF_LOWER, np.exp(x), one / (one + np.exp(-x))))


register(unary_opdef("LOGISTIC", "logistic", _logistic))
