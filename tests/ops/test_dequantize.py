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


# --- int16 -> float32 (ops/float32/dequantize.py) --------------------------------------------

ALL_INT16 = np.arange(-32768, 32768, dtype=np.int16).reshape(1, 65536)


@pytest.mark.parametrize("scale,zp", [(1.0, 0), (3e-5, 0), (0.123456789, -7), (1e-3, 32767),
                                      (7.5, -32768), (1e-40, 3), (3e34, 0)])
def test_dequantize_int16(tflm_check, scale, zp):
    """Every int16 value, bit for bit (one float multiply rounds TFLM's double product)."""
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 65536], "int16", scale=scale, zero_point=zp, name="x")
    y = mb.tensor([1, 65536], "float32", name="y")
    mb.op("DEQUANTIZE", [x], [y])
    cm = tflm_check(mb.build([x], [y]), [[ALL_INT16]], float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_dequantize_int16_per_channel_is_refused():
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([2, 4], "int16", scale=[0.1, 0.2], zero_point=[0, 0], name="x")
    y = mb.tensor([2, 4], "float32", name="y")
    mb.op("DEQUANTIZE", [x], [y])
    with pytest.raises(UnsupportedError, match="DEQUANTIZE: .* per channel"):
        compile_model(mb.build([x], [y]))
