"""EXP float32: TFLM's std::exp (te_expf, within a few ulp; TFLM runs EXP in float32 only)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _exp(x, _options):
    return np.exp(x)


register(unary_opdef("EXP", "exp", _exp))
