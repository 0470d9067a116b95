"""TANH: the host-built 256-entry table against TFLM over a random sweep of input
quantizations (TFLM ignores the output quantization, always Q0.7, and so do we), and the generated
lookup (kernels/lut.c) end to end on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.tflm import run_tflm
from tests.helpers.sweeps import ALL_INT8, LUT_IN_Q, random_quant, sweep, table_of, unary_model


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
