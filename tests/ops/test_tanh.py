"""TANH: the host-built 256-entry table against TFLM over a random sweep of input
quantizations (TFLM ignores the output quantization, always Q0.7, and so do we), and the generated
lookup (kernels/lut.c) end to end on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import (
    ALL_INT8,
    LUT_IN_Q,
    random_quant,
    sweep,
    table_of,
    unary_model,
)
from tests.helpers.tflm import run_tflm


@pytest.mark.parametrize("seed", [0, 1])
def test_table_sweep(seed):
    sweep("TANH", lambda rng, qi: (1 / 128, 0), seed)


def test_table_sweep_any_output_quantization():
    sweep("TANH", lambda rng, qi: random_quant(rng, -3, 0), seed=2, n=60)


@pytest.mark.parametrize("qi", [(1e-3, 0), (1.0, 0), (1.0, -128), (30.0, 127), (2 ** -4, 3)])
def test_table_extremes(qi):
    data = unary_model("TANH", qi, (1 / 128, 0))
    np.testing.assert_array_equal(table_of(data), run_tflm(data, ALL_INT8)[0].reshape(-1))


@pytest.mark.parametrize("qi", LUT_IN_Q)
def test_lookup_matches_tflm(tflm_check, qi):
    tflm_check(unary_model("TANH", qi, (1 / 128, 0)), [[ALL_INT8]])


# --- float32 (ops/float32/tanh.py) -----------------------------------------------------------

def test_float32(tflm_check):
    """std::tanh as te_tanhf: within the float tolerance."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "TANH")


def test_float32_dense(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    v = np.concatenate([np.linspace(-12, 12, 4001), np.linspace(-0.07, 0.07, 501)])
    v = v.astype(np.float32)
    tflm_check(float_unary_model("TANH", v.shape), [[v]])
