"""DIV float32: a / b (IEEE: x / 0 is +-inf, 0 / 0 NaN), then the fused activation's clamp
(TFLM's div.cc EvalDiv<float>: reference_ops::Div / BroadcastDivSlow,
ActivationFunctionWithMinMax(a / b))."""
from __future__ import annotations

import numpy as np

from ..base import register
from ..div import read_options
from .binary import binary_opdef

register(binary_opdef("DIV", "div", np.divide, read_options))
