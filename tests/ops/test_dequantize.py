"""DEQUANTIZE (int8 or uint8 -> float32 at the model output) against TFLM on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8


@pytest.mark.parametrize("scale,zp", [(0.02, 3), (1e-3, -128), (0.5, 127), (0.123456789, -7)])
def test_dequantize(tflm_check, scale, zp):
    tflm_check(opmodels.dequantize_model((1, 256), scale, zp), [[ALL_INT8]])


@pytest.mark.parametrize("scale,zp", [(0.02, 128), (1.0, 0), (3e-3, 255), (0.7, 13)])
def test_dequantize_uint8(tflm_check, scale, zp):
    """TFLM's dequantize.cc takes uint8 too (a uint8 model input straight to a float output)."""
    x = np.arange(256, dtype=np.uint8).reshape(1, 256)
    tflm_check(opmodels.requantize_model(qi=(scale, zp), in_dtype="uint8", out_dtype="float32",
                                         op="DEQUANTIZE"), [[x]])
