"""SQRT float32 (ops/float32/sqrt.py) against TFLM bit for bit: te_sqrtf is correctly
rounded, as std::sqrt; negative inputs give NaN."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import FLOAT_SPECIAL, float_unary_check


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "SQRT", scale=scale, exact=True)


def test_float32_positive(tflm_check):
    float_unary_check(tflm_check, "SQRT", positive=True, exact=True, special=np.abs(FLOAT_SPECIAL))


def test_float32_wide_exponent_range(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    rng = np.random.default_rng(2)
    v = (2.0 ** rng.uniform(-149, 128, 4096)).astype(np.float32)
    tflm_check(float_unary_model("SQRT", v.shape), [[v]], float_exact=True)
