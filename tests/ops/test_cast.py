"""CAST (ops/cast.py) against TFLM: int8 -> int16 / int32 at run time on all 256 values (the
quantization is ignored, as TFLM does), and constants folded at compile time (an int16 shape
cast to int32 feeding a RESHAPE; int8 constants cast and consumed by an int32 op chain); float32
to and from int8 / int16 / int32 (ops/float32/cast.py) bit for bit over every int8 and int16
value, int32 extremes, truncation toward zero and signed zeros; uint8 refused as TFLM does."""
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


# --- float32 <-> int8 / int16 / int32 (ops/float32/cast.py) ----------------------------------

def _cast_model(src, dst, n, q_int=True):
    mb = ModelBuilder()
    qs = {d: (dict(scale=0.05, zero_point=-3) if d in ("int8", "int16") and q_int else {})
          for d in (src, dst)}
    x = mb.tensor([n], src, **qs[src])
    y = mb.tensor([n], dst, **qs[dst])
    mb.op("CAST", [x], [y])
    return mb.build([x], [y])


INT16_ALL = np.arange(-32768, 32768, dtype=np.int16)
INT32_EDGE = np.array([-2147483648, 2147483647, -2147483647, 16777216, 16777217, -16777217,
                       33554435, 123456789, -987654321, 0, 1, -1, 1073741825, 2147483520],
                      np.int32)


@pytest.mark.parametrize("src,values", [("int8", ALL_INT8), ("int16", INT16_ALL),
                                        ("int32", INT32_EDGE)], ids=["int8", "int16", "int32"])
@pytest.mark.parametrize("q_int", [True, False])
def test_integer_to_float32_bit_equal(tflm_check, src, values, q_int):
    """static_cast<float>: exact below 2^24, rounded to nearest even above (int32)."""
    cm = tflm_check(_cast_model(src, "float32", values.size, q_int), [[values]], float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def _in_range(dst):
    """float32 values whose truncation toward zero fits `dst` (outside, C and C++ are undefined):
    signed zeros, halves, values just below the next integer, the range's ends."""
    lo, hi = {"int8": (-128, 127), "int16": (-32768, 32767),
              "int32": (-2147483648, 2147483520)}[dst]
    rng = np.random.default_rng(5)
    v = [0.0, -0.0, 0.5, -0.5, 0.99999994, -0.99999994, 1.0, -1.0, 1.5, -2.5, 1e-30, -1e-45,
         float(lo), float(hi), lo - 0.9 if dst != "int32" else lo, hi + 0.9 if dst != "int32"
         else hi]
    r = rng.uniform(lo, hi, 200)
    return np.concatenate([np.array(v), r, np.trunc(r) + 0.5]).astype(np.float32)


@pytest.mark.parametrize("dst", ["int8", "int16", "int32"])
@pytest.mark.parametrize("q_int", [True, False])
def test_float32_to_integer_truncates(tflm_check, dst, q_int):
    values = _in_range(dst)
    cm = tflm_check(_cast_model("float32", dst, values.size, q_int), [[values]])
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_float32_to_float32_copies(tflm_check):
    from tests.helpers.movement import SPECIAL_F32
    tflm_check(_cast_model("float32", "float32", SPECIAL_F32.size), [[SPECIAL_F32]],
               float_exact=True)


def test_float32_cast_after_a_float_op(tflm_check):
    """x -> TRANSPOSE (float32) -> CAST int32 -> a model output."""
    mb = ModelBuilder()
    x = mb.tensor([3, 4], "float32")
    t = mb.tensor([4, 3], "float32")
    y = mb.tensor([4, 3], "int32")
    mb.op("TRANSPOSE", [x, mb.int32([1, 0])], [t])
    mb.op("CAST", [t], [y])
    rng = np.random.default_rng(1)
    tflm_check(mb.build([x], [y]), [[rng.uniform(-1e6, 1e6, (3, 4)).astype(np.float32)]])


def test_float32_constant_folds(tflm_check):
    """RESHAPE(x, CAST(float const [1.9, 24.2])): the shape [1, 24] computed at compile time."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "float32")
    s = mb.tensor([2], "int32")
    y = mb.tensor([1, 24], "float32")
    mb.op("CAST", [mb.const(np.array([1.9, 24.2], np.float32))], [s])
    mb.op("RESHAPE", [x, s], [y])
    cm = tflm_check(mb.build([x], [y]), float_exact=True)
    assert "#0 CAST" in cm.graph.config["folded"]


@pytest.mark.parametrize("src,dst", [("float32", "uint8"), ("uint8", "float32"),
                                     ("float32", "int64")])
def test_runtime_uint8_and_int64_are_refused(src, dst):
    """TFLM's cast.cc has no uint8 (nor int64) case: it fails at Invoke."""
    mb = ModelBuilder()
    x = mb.tensor([4], src, **(dict(scale=0.1, zero_point=128) if src == "uint8" else {}))
    y = mb.tensor([4], dst, **(dict(scale=0.1, zero_point=128) if dst == "uint8" else {}))
    mb.op("CAST", [x], [y])
    with pytest.raises(UnsupportedError, match=f"CAST from {src} to {dst} at run time"):
        compile_model(mb.build([x], [y]))
