"""LOG float32 (ops/float32/log.py) against TFLM within the float tolerance: te_logf for
std::log over positive samples across the exponent range, log(0) = -inf, log(x < 0) = NaN,
subnormals, inf."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import FLOAT_SPECIAL, float_unary_check


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "LOG", scale=scale, exact=False)


def test_float32_positive(tflm_check):
    float_unary_check(tflm_check, "LOG", positive=True, special=np.abs(FLOAT_SPECIAL))


def test_float32_wide_exponent_range(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    v = (2.0 ** np.linspace(-149, 127, 997)).astype(np.float32)
    tflm_check(float_unary_model("LOG", v.shape), [[v]])
