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


# --- int16 (ops/int16/logistic.py) -----------------------------------------------------------

# input scales: the POT path (2^-12, and 2^-12 off by less than CheckedLog2's 1e-3 in log2),
# other powers of two (general path: 2^-11 is POT only for TANH), the general path at exact
# 1 / 12288, typical and extreme scales (multiplier above 32767 at 3.0 and 5.3, shift 31 with
# multiplier 1 at 4e-14)
INT16_SCALES = [2.0 ** -12, 2.0 ** -12 * 1.0005, 2.0 ** -12 * 0.9995, 2.0 ** -11, 2.0 ** -10,
                2.0 ** -13, 2.0 ** -15, 1 / 12288, 1e-4, 3.3e-5, 7.7e-4, 0.0123, 0.25, 1.0, 3.0,
                5.3, 1e-7, 1e-13, 4e-14]


@pytest.mark.parametrize("qi", INT16_SCALES)
def test_int16_every_value(tflm_check, qi):
    """reference_integer_ops::Logistic(int16) on every int16 value, byte-exact."""
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "LOGISTIC", (qi, 0), (2.0 ** -15, 0))


def test_int16_output_scale_within_checked_log2(tflm_check):
    """TFLM accepts an output scale whose log2 is within 1e-3 of -15 (and ignores it)."""
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "LOGISTIC", (1e-3, 0), (2.0 ** -15 * 1.0006, 0))


def test_int16_shapes(tflm_check):
    from tests.helpers.int16models import int16_sets, unary16_model
    data = unary16_model("LOGISTIC", (2, 3, 5, 7), qi=(5e-4, 0), qo=(2.0 ** -15, 0))
    tflm_check(data, int16_sets(data))


@pytest.mark.parametrize("qi, qo, match", [
    ((1e-3, 1), (2.0 ** -15, 0), "input zero point must be 0"),
    ((1e-3, 0), (2.0 ** -15, 5), "output zero point must be 0"),
    ((1e-3, 0), (2.0 ** -15 * 1.01, 0), "output scale must be 2\\^-15"),
    ((1e-3, 0), (2.0 ** -14, 0), "output scale must be 2\\^-15"),
])
def test_int16_refuses_what_tflm_refuses(qi, qo, match):
    from tests.helpers.int16models import ALL_INT16, unary16_model
    data = unary16_model("LOGISTIC", (1, 65536), qi=qi, qo=qo)
    with pytest.raises(UnsupportedError, match=match):
        compile_model(data)
    with pytest.raises(RuntimeError):
        run_tflm(data, ALL_INT16)


@pytest.mark.parametrize("qi, match", [(1e-14, "too small"), (6.0, "too large")])
def test_int16_refuses_overflowing_scales(qi, match):
    """TFLM runs these with undefined behaviour: a multiplier truncated to 0 (taken for the
    POT case, 3 << 31) or x * multiplier overflowing int32."""
    from tests.helpers.int16models import unary16_model
    with pytest.raises(UnsupportedError, match=match):
        compile_model(unary16_model("LOGISTIC", (1, 8), qi=(qi, 0), qo=(2.0 ** -15, 0)))
