"""SLICE (ops/slice.py) against TFLM: inner and outer slices, size -1, ranks 1 to 5, the whole
tensor; constant inputs folded; float32, int16 and int32 (bytes, ops/movement.py) over the same
cases, 5-D ones beyond the int8 kernel's four loops and constants; the malformed cases."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

Q = {"scale": 0.05, "zero_point": -3}


CASES = [
    ((1, 6, 8, 4), (0, 1, 2, 0), (1, 4, -1, 3)),
    ((1, 6, 8, 4), (0, 0, 0, 1), (-1, -1, -1, 2)),
    ((1, 6, 8, 4), (0, 5, 7, 3), (1, 1, 1, 1)),
    ((1, 6, 8, 4), (0, 0, 0, 0), (1, 6, 8, 4)),
    ((3, 10), (1, 3), (2, 5)),
    ((17,), (4,), (-1,)),
    ((2, 3, 4, 5, 6), (1, 0, 1, 2, 3), (1, 3, 2, 2, -1)),
]


@pytest.mark.parametrize("in_shape,begin,size", CASES)
def test_slice_matches_tflm(tflm_check, in_shape, begin, size):
    tflm_check(opmodels.slice_model(in_shape, begin, size))


def test_constant_input_folds(tflm_check):
    mb = ModelBuilder()
    c = mb.const(np.arange(-30, 30, dtype=np.int8).reshape(3, 4, 5), "int8", **Q, name="c")
    s = mb.tensor([2, 4, 2], "int8", **Q)
    mb.op("SLICE", [c, mb.int32([1, 0, 3]), mb.int32([2, -1, -1])], [s])
    x = mb.tensor([2, 4, 1], "int8", **Q)
    y = mb.tensor([2, 4, 3], "int8", **Q)
    mb.op("CONCATENATION", [x, s], [y], dict(axis=2, fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_shape_then_slice_folds(tflm_check):
    """SHAPE(w) [1, 24, 1] -> SLICE [0:2] -> RESHAPE's shape."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", **Q, name="x")
    w = mb.tensor([1, 24, 1], "int8", **Q, name="w")
    r = mb.tensor([1, 4, 6], "int8", **Q)
    s = mb.tensor([3], "int32")
    s2 = mb.tensor([2], "int32")
    z = mb.tensor([1, 24], "int8", **Q)
    mb.op("RELU", [x], [r])
    mb.op("SHAPE", [w], [s])
    mb.op("SLICE", [s, mb.int32([0]), mb.int32([2])], [s2])
    mb.op("RESHAPE", [r, s2], [z])
    cm = tflm_check(mb.build([x, w], [z]))
    assert [op.kind for op in cm.graph.operators] == ["RELU"]


def test_out_of_range_is_malformed():
    with pytest.raises(MalformedModelError, match="begin 3 and size 4 on dimension 1"):
        compile_model(opmodels.slice_model((2, 6), (0, 3), (2, 4)))


def test_wrong_output_shape_is_malformed():
    mb = ModelBuilder()
    x = mb.tensor([4, 4], "int8", **Q)
    y = mb.tensor([2, 3], "int8", **Q)
    mb.op("SLICE", [x, mb.int32([0, 0]), mb.int32([2, 2])], [y])
    with pytest.raises(MalformedModelError, match="computes \\[2, 2\\]"):
        compile_model(mb.build([x], [y]))


def test_int64_at_run_time_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([4, 4], "int64")
    y = mb.tensor([2, 2], "int64")
    mb.op("SLICE", [x, mb.int32([0, 0]), mb.int32([2, 2])], [y])
    with pytest.raises(UnsupportedError, match="int64 at run time"):
        compile_model(mb.build([x], [y]))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

def _model(dtype, in_shape, begin, size):
    mb = ModelBuilder()
    x = movement.tensor(mb, in_shape, dtype)
    out = [n - b if s == -1 else s for n, b, s in zip(in_shape, begin, size)]
    y = movement.tensor(mb, out, dtype)
    mb.op("SLICE", [x, mb.int32(list(begin)), mb.int32(list(size))], [y])
    return mb.build([x], [y])


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,begin,size", CASES + [
    ((2, 3, 4, 5, 6), (1, 1, 1, 1, 1), (1, 2, 2, 2, 2)),     # 4 strided loops + run
])
def test_dtypes_slice(compile_to, dtype, in_shape, begin, size):
    movement.check(compile_to, _model(dtype, in_shape, begin, size), "SLICE", dtype)


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_constant_input_folds(compile_to, dtype):
    mb = ModelBuilder()
    data = (np.arange(-30, 30) * 1001).astype(movement.NP[dtype]).reshape(3, 4, 5)
    c = mb.const(data, dtype, **movement.quant(dtype))
    s = movement.tensor(mb, [2, 4, 2], dtype)
    mb.op("SLICE", [c, mb.int32([1, 0, 3]), mb.int32([2, -1, -1])], [s])
    x = movement.tensor(mb, [2, 4, 1], dtype)
    y = movement.tensor(mb, [2, 4, 3], dtype)
    mb.op("CONCATENATION", [x, s], [y], dict(axis=2))
    cm = movement.check(compile_to, mb.build([x], [y]), "CONCATENATION", dtype)
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]
