"""CEIL float32 (ops/float32/ceil.py) against TFLM bit for bit: te_ceilf for std::ceil,
ceil(-0.5) = -0, values about 2^23, inf and NaN."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import float_unary_check


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "CEIL", scale=scale, exact=True)
