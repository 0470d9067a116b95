"""DEQUANTIZE (int8 -> float32 at the model output) against TFLM on all 256 input values."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8


@pytest.mark.parametrize("scale,zp", [(0.02, 3), (1e-3, -128), (0.5, 127), (0.123456789, -7)])
def test_dequantize(tflm_check, scale, zp):
    tflm_check(opmodels.dequantize_model((1, 256), scale, zp), [[ALL_INT8]])
