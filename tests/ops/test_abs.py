"""ABS (ops/abs.py) against TFLM on all 256 input values: the same quantization in and out (no
rescaling), rescaling up and down, extreme zero points; a random-quantization table sweep."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import ALL_INT8, random_quant, sweep, unary_model


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -3)), ((0.05, -128), (0.05, -128)),
                                   ((0.05, 127), (0.05, 127)), ((0.05, -3), (0.1, -128)),
                                   ((0.1, 100), (0.01, -128)), ((1e-3, 0), (0.5, 0)),
                                   ((1.0, -128), (1e-2, 127)), ((0.02, 0), (0.03, 10))])
def test_all_values(tflm_check, qi, qo):
    tflm_check(unary_model("ABS", qi, qo), [[ALL_INT8]])


def test_table_sweep():
    sweep("ABS", lambda rng, qi: random_quant(rng, -4.0, 1.5), seed=23, n=60)


def test_same_scale_sweep():
    sweep("ABS", lambda rng, qi: (qi[0], int(rng.integers(-128, 128))), seed=29, n=30)


# --- float32 (ops/float32/abs.py) ------------------------------------------------------------

def test_float32(tflm_check):
    """std::abs: the sign bit cleared, bit for bit."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "ABS", exact=True)
