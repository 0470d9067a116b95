"""CAST (ops/cast.py) against TFLM: int8 -> int16 / int32 at run time on all 256 values (the
quantization is ignored, as TFLM does), and constants folded at compile time (an int16 shape
cast to int32 feeding a RESHAPE; int8 constants cast and consumed by an int32 op chain)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.sweeps import ALL_INT8
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("out", ["int32", "int16"])
@pytest.mark.parametrize("quantized", [True, False])
def test_runtime_all_values(tflm_check, out, quantized):
    mb = ModelBuilder()
    q = dict(scale=0.05, zero_point=-3) if quantized else {}
    x = mb.tensor([1, 256], "int8", **q)
    y = mb.tensor([1, 256], out)
    mb.op("CAST", [x], [y])
    tflm_check(mb.build([x], [y]), [[ALL_INT8]])


def test_runtime_after_an_int8_op(tflm_check):
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 3], "int8", scale=0.05, zero_point=-3)
    r = mb.tensor([1, 4, 4, 3], "int8", scale=0.05, zero_point=-3)
    y = mb.tensor([1, 4, 4, 3], "int32")
    mb.op("RELU", [x], [r])
    mb.op("CAST", [r], [y])
    tflm_check(mb.build([x], [y]))


@pytest.mark.parametrize("src", ["int16", "int8"])
def test_constant_shape_folds(tflm_check, src):
    """RESHAPE(x, CAST(const [1, 24])): the int32 new shape is computed at compile time."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", scale=0.05, zero_point=-3)
    s = mb.tensor([2], "int32")
    y = mb.tensor([1, 24], "int8", scale=0.05, zero_point=-3)
    mb.op("CAST", [mb.const(np.array([1, 24], src))], [s])
    mb.op("RESHAPE", [x, s], [y])
    cm = tflm_check(mb.build([x], [y]))
    assert "#0 CAST" in cm.graph.config["folded"]


def test_folding_semantics():
    """static_cast: wrap-around to narrower integers, truncation of floats, non-zero is true."""
    from tinyengine_pio.ops.cast import evaluate

    class _T:
        def __init__(self, data, dtype):
            self.data, self.dtype = np.asarray(data), dtype

    class _G:
        def __init__(self, a, b):
            self.ts = [a, b]

        def t(self, i):
            return self.ts[i]

    class _Op:
        inputs, outputs = [0], [1]

    def cast(data, out):
        return evaluate(_G(_T(data, None), _T(None, out)), _Op())[0]

    assert cast(np.array([300, -129], np.int32), "int8").tolist() == [44, 127]
    assert cast(np.array([2.9, -2.9], np.float32), "int32").tolist() == [2, -2]
    assert cast(np.array([0, 3, -1], np.int32), "bool").tolist() == [False, True, True]


def test_runtime_int32_to_int8_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([4], "int32")
    y = mb.tensor([4], "int8", scale=0.1, zero_point=0)
    mb.op("CAST", [x], [y])
    with pytest.raises(UnsupportedError, match="CAST from int32 to int8 at run time"):
        compile_model(mb.build([x], [y]))
