"""FLOOR float32 (ops/float32/floor.py) against TFLM bit for bit: te_floorf for std::floor,
signed zeros, values about 2^23, inf and NaN."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import float_unary_check


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "FLOOR", scale=scale, exact=True)
