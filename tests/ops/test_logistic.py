"""LOGISTIC: the host-built 256-entry table against TFLM over a random sweep of input
quantizations, and the generated lookup (kernels/lut.c) end to end on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import ALL_INT8, LUT_IN_Q, sweep, table_of, unary_model
from tests.helpers.tflm import run_tflm
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("seed", [0, 1])
def test_table_sweep(seed):
    sweep("LOGISTIC", lambda rng, qi: (1 / 256, -128), seed)


@pytest.mark.parametrize("qi", [(1e-3, 0), (1.0, 0), (1.0, 127), (30.0, -128), (2 ** -5, 0)])
def test_table_extremes(qi):
    data = unary_model("LOGISTIC", qi, (1 / 256, -128))
    np.testing.assert_array_equal(table_of(data), run_tflm(data, ALL_INT8)[0].reshape(-1))


def test_output_zero_point_must_be_minus_128():
    with pytest.raises(UnsupportedError, match="zero point must be -128"):
        compile_model(unary_model("LOGISTIC", (0.1, 0), (1 / 256, 0)))


@pytest.mark.parametrize("qi", LUT_IN_Q)
def test_lookup_matches_tflm(tflm_check, qi):
    tflm_check(unary_model("LOGISTIC", qi, (1 / 256, -128)), [[ALL_INT8]])


# --- float32 (ops/float32/logistic.py) -------------------------------------------------------

def test_float32(tflm_check):
    """TFLM's reference_ops::Logistic with its cutoffs (1 above 16.619047, exp(x) below -9),
    te_expf for std::exp: within the float tolerance."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "LOGISTIC")


def test_float32_dense_around_the_cutoffs(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    v = np.concatenate([np.linspace(-12, 20, 3001), np.linspace(-9.001, -8.999, 201),
                        np.linspace(16.618, 16.620, 201)]).astype(np.float32)
    tflm_check(float_unary_model("LOGISTIC", v.shape), [[v]])
