"""NEG float32 (ops/float32/neg.py) against TFLM bit for bit: the sign flipped, also of
zeros, inf and NaN."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import float_unary_check


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "NEG", scale=scale, exact=True)
