"""SQUARE float32 (ops/float32/square.py) against TFLM bit for bit: x * x, overflow to inf,
underflow to 0."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import float_unary_check


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "SQUARE", scale=scale, exact=True)
