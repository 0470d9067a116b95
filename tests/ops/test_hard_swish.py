"""HARD_SWISH: the host-built table against TFLM over random input/output quantizations,
including output/input scale ratios above 2^9, where TFLM's int16 RoundingDivideByPOT
(exponent >= 16, mask truncated to int16) returns +-1 instead of 0; and the generated lookup
(kernels/lut.c) end to end on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import ALL_INT8, sweep, table_of, unary_model
from tests.helpers.tflm import run_tflm
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("seed", [0, 1])
def test_table_sweep(seed):
    def out_quant(rng, qi):   # output scale >= input scale / 64 (TFLM refuses a left shift)
        return qi[0] * float(10 ** rng.uniform(-1.8, 3.5)), int(rng.integers(-128, 128))
    sweep("HARD_SWISH", out_quant, seed)


def test_large_output_to_input_scale_ratio(tflm_check):
    # output multiplier 0.001 / 128 / 1.0 ~ 2^-17: RoundingDivideByPOT<int16_t>(x, 17)
    tflm_check(unary_model("HARD_SWISH", (1e-3, 5), (1.0, 3)), [[ALL_INT8]])
    tflm_check(unary_model("HARD_SWISH", (0.0225, 121), (20.5, -97)), [[ALL_INT8]])


def test_tiny_input_scale():
    data = unary_model("HARD_SWISH", (1e-7, 0), (1e-7, 0))   # reluish exponent -16
    np.testing.assert_array_equal(table_of(data), run_tflm(data, ALL_INT8)[0].reshape(-1))


def test_output_scale_too_small_is_refused_like_tflm():
    data = unary_model("HARD_SWISH", (1.0, 0), (1 / 256, 0))
    with pytest.raises(RuntimeError):
        run_tflm(data, ALL_INT8)
    with pytest.raises(UnsupportedError, match="output scale too small"):
        compile_model(data)


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -100)), ((0.1, 10), (0.02, -128)),
                                   ((1e-2, 0), (1e-2, 0)), ((0.5, -50), (0.3, 20)),
                                   ((0.03, 127), (0.04, -20))])
def test_lookup_matches_tflm(tflm_check, qi, qo):
    tflm_check(unary_model("HARD_SWISH", qi, qo), [[ALL_INT8]])


# --- float32 (ops/float32/hard_swish.py) -----------------------------------------------------

def test_float32(tflm_check):
    """TFLM's x * std::min(6, std::max(0, x + 3)) / 6, in that order: bit for bit."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "HARD_SWISH", exact=True)


def test_float32_dense_around_the_knees(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    v = np.linspace(-4, 4, 4001, dtype=np.float32)
    tflm_check(float_unary_model("HARD_SWISH", v.shape), [[v]], float_exact=True)


# --- int16 -----------------------------------------------------------------------------------

def test_int16_refused_as_tflm():
    """The tflite_micro wheel's HARD_SWISH has no int16 path ("Unsupported type INT16")."""
    from tests.helpers.int16models import unary16_model
    with pytest.raises(UnsupportedError, match=r"operator #0 HARD_SWISH: .*int16, expected int8 "
                                               r"\[int16 activations; TFLM does not run it"):
        compile_model(unary16_model("HARD_SWISH", (1, 4, 4, 3), qo=(2e-3, 0)))
