"""MAXIMUM and MINIMUM float32, no fused activation: TFLM's maximum_minimum.h MaximumOp
`el1 > el2 ? el1 : el2` and MinimumOp `el1 < el2 ? el1 : el2`. Not IEEE maxNum, not numpy:
where either operand is NaN the comparison is false and the result is b (input 1), and of
two zeros of either sign the result is b too."""
from __future__ import annotations

import numpy as np

from ..base import register
from .binary import binary_opdef


def _maximum(a, b):
    return np.where(a > b, a, b)


def _minimum(a, b):
    return np.where(a < b, a, b)


for _name, _fn in (("MAXIMUM", _maximum), ("MINIMUM", _minimum)):
    register(binary_opdef(_name, "maximum_minimum", _fn, clamps=False,
                          func=f"te_{_name.lower()}_f32"))
