"""QUANTIZE against TFLM: int8 -> int8 requantization on all 256 input values, and float32 -> int8
at the model input (random values, exact halves for the rounding, saturation, and the values
whose float -> int32 conversion TFLM leaves to the x86 build: NaN, inf, beyond int32)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8, unary_model


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.1, 20)), ((0.1, 0), (0.01, -5)),
                                   ((1e-3, 100), (0.5, -100)), ((0.02, 5), (0.02, 5))])
def test_requantize(tflm_check, qi, qo):
    tflm_check(unary_model("QUANTIZE", qi, qo), [[ALL_INT8]])


@pytest.mark.parametrize("scale,zp", [(0.02, 3), (1e-3, -128), (0.5, 127), (0.1, 0)])
def test_quantize_float_input(tflm_check, scale, zp):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((1, 300)) * 3).astype(np.float32)
    halves = ((np.arange(300, dtype=np.float32) - 150) * np.float32(scale) * np.float32(0.5))
    tflm_check(opmodels.quantize_model((1, 300), scale, zp),
               [[x], [halves.reshape(1, 300)], [np.full((1, 300), 1e6, np.float32)]])


EDGES = np.array([np.nan, -np.nan, np.inf, -np.inf, 1e30, -1e30, 3e9, -3e9, 2.1e9, -2.1e9,
                  2147483520.0, 2147483648.0, -2147483648.0, -2147483904.0, 8388607.5, -8388607.5,
                  8388608.0, 8388609.0, -8388609.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 126.5, -127.5,
                  0.49999997, -0.49999997, 0.50000006, 1e-45, -1e-45, 0.0, -0.0, 3.4028235e38],
                 np.float32)


@pytest.mark.parametrize("scale,zp", [(1.0, 0), (1.0, 5), (1.0, -5), (1.0, 127), (1.0, -128),
                                      (0.02, 3), (3e-39, 0), (1e30, -7)])
def test_quantize_float_edges(tflm_check, scale, zp):
    """Ties, the 2^23 boundary, denormals, NaN, inf and values beyond int32, as TFLM gives them."""
    x = EDGES.reshape(1, -1)
    tflm_check(opmodels.quantize_model(x.shape, scale, zp), [[x], [-x], [x * np.float32(0.75)]])
