"""QUANTIZE against TFLM: int8 -> int8 requantization on all 256 input values, and float32 -> int8
at the model input (random values, exact halves for the rounding, saturation)."""
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
