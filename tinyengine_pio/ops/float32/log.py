"""LOG float32: TFLM's std::log (te_logf, within a few ulp; log(0) = -inf, log(x < 0) = NaN)."""
from __future__ import annotations

import numpy as np

from ..base import register
from .unary import unary_opdef


def _log(x, _options):
    return np.log(x)


register(unary_opdef("LOG", "log", _log))
