"""SIN and COS float32 (ops/float32/sin_cos.py) against TFLM's std::sin / std::cos within the
float tolerance: normal samples, the special values (inf and NaN give NaN), every binary
exponent up to FLT_MAX (the Payne-Hanek reduction above 2^28 pi/2), the floats nearest to
multiples of pi/2 (the reduction's cancellation), and both signs."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import float_unary_check, float_unary_model

OPS = ["SIN", "COS"]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
def test_float32(tflm_check, op, scale):
    float_unary_check(tflm_check, op, scale=scale)


@pytest.mark.parametrize("op", OPS)
def test_float32_every_exponent(tflm_check, op):
    rng = np.random.default_rng(5)
    mant = rng.uniform(1.0, 2.0, (8, 254))
    v = (mant * 2.0 ** np.arange(-126, 128)).astype(np.float32).ravel()
    v = np.concatenate([v, -v, np.float32(3.4028235e38) * np.float32([1, -1])])
    v = v[np.isfinite(v)].astype(np.float32)
    tflm_check(float_unary_model(op, v.shape), [[v]])


@pytest.mark.parametrize("op", OPS)
def test_float32_near_multiples_of_half_pi(tflm_check, op):
    k = np.concatenate([np.arange(-200, 201), np.round(np.geomspace(300, 2.6e8, 400))])
    near = (k * (np.pi / 2)).astype(np.float32)
    v = np.concatenate([near, np.nextafter(near, np.float32(np.inf)),
                        np.nextafter(near, np.float32(-np.inf))]).astype(np.float32)
    tflm_check(float_unary_model(op, v.shape), [[v]])
