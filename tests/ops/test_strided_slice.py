"""STRIDED_SLICE (ops/strided_slice.py) against TFLM: begin / end / shrink masks, negative
indices and strides, clamping; ellipsis and new-axis masks (which TFLM does not implement)
against numpy's indexing; constant inputs folded at compile time; float32, int16 and int32
(bytes, ops/movement.py) over the same cases and 5-D views; the refusals."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tests.helpers.hostrun import HostModel
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

Q = {"scale": 0.05, "zero_point": -3}

CASES = [
    # in_shape, begin, end, strides, masks
    ((1, 6, 8, 4), (0, 1, 0, 0), (1, 5, 8, 4), (1, 1, 2, 1), {}),
    ((1, 6, 8, 4), (0, 0, 0, 1), (1, 6, 8, 3), (1, 1, 1, 1), {}),              # inner slice
    ((1, 6, 8, 5), (0, 5, 7, 4), (1, -7, -9, -6), (1, -1, -2, -2), {}),        # negative strides
    ((1, 6, 8, 5), (0, -2, 1, 0), (1, 100, -1, 5), (1, 1, 3, 2), {}),          # clamping, negative
    ((1, 6, 8, 5), (0, 3, 2, 1), (0, 0, 0, 0), (1, 1, 1, 1),
     dict(begin_mask=0b0011, end_mask=0b1111)),                                 # masks
    ((1, 6, 8, 5), (0, 2, 0, 0), (1, 3, 8, 5), (1, 1, 1, 1),
     dict(shrink_axis_mask=0b0011)),                                            # shrink
    ((1, 6, 8, 5), (0, -1, 0, 3), (1, 0, 8, 0), (1, 1, 1, 1),
     dict(shrink_axis_mask=0b1010)),                                            # shrink negative
    ((2, 3, 4), (1, 0, 3), (2, 3, 0), (1, 2, -1), dict(end_mask=0b100)),       # 3-D reversal
    ((12, 7), (2, 1), (11, 7), (3, 2), {}),                                     # 2-D
    ((17,), (-1,), (0,), (-1,), dict(end_mask=1)),                              # 1-D reversed
    ((1, 10, 16), (0, 0, 0), (1, 10, 8), (1, 1, 1), {}),                        # Keras split half
]


@pytest.mark.parametrize("in_shape,begin,end,strides,masks", CASES)
def test_strided_slice_matches_tflm(tflm_check, in_shape, begin, end, strides, masks):
    tflm_check(opmodels.strided_slice(in_shape, begin, end, strides, **masks))


def test_offset_adds_begin_to_end(tflm_check):
    # offset=True: end = begin + end; TFLM ignores the flag, but with begin 0 both agree
    tflm_check(opmodels.strided_slice((1, 6, 8, 4), (0, 0, 0, 0), (1, 3, 8, 2), (1, 1, 1, 1),
                                      offset=True))


def _numpy_check(compile_to, model: bytes, in_shape, index):
    cm, out = compile_to(model)
    x = np.random.default_rng(0).integers(-128, 128, in_shape, dtype=np.int8)
    with HostModel(out) as host:
        (got,), = host.run([[x]])
    want = x[index]
    assert np.frombuffer(got, np.int8).tolist() == want.reshape(-1).tolist()
    return cm, want.shape


@pytest.mark.parametrize("begin,end,strides,masks,index", [
    ((0, 1), (0, 3), (1, 1), dict(ellipsis_mask=1), (Ellipsis, slice(1, 3))),
    ((1, 0), (3, 0), (1, 1), dict(ellipsis_mask=2), (slice(1, 3), Ellipsis)),
    ((0, 0, 2), (0, 0, 5), (1, 1, 2), dict(new_axis_mask=0b010, begin_mask=1, end_mask=1),
     (slice(None), None, slice(2, 5, 2))),
    ((0, 0, 1), (0, 0, 0), (1, 1, -1), dict(ellipsis_mask=1, new_axis_mask=2, end_mask=4),
     (Ellipsis, None, slice(1, None, -1))),
])
def test_ellipsis_and_new_axis_follow_tensorflow(compile_to, begin, end, strides, masks, index):
    in_shape = (2, 3, 4, 6)
    want_shape = np.zeros(in_shape)[index].shape
    model = opmodels.strided_slice(in_shape, begin, end, strides, out_shape=want_shape, **masks)
    _numpy_check(compile_to, model, in_shape, index)


def test_constant_input_folds(tflm_check):
    """An int8 constant sliced at compile time, then concatenated with the model input."""
    mb = ModelBuilder()
    data = np.arange(-40, 40, dtype=np.int8).reshape(1, 4, 4, 5)
    c = mb.const(data, "int8", **Q, name="c")
    s = mb.tensor([1, 4, 2, 5], "int8", **Q, name="s")
    mb.op("STRIDED_SLICE", [c, mb.int32([0, 0, 3, 0]), mb.int32([1, 4, 0, 5]),
                            mb.int32([1, 1, -2, 1])], [s], dict(end_mask=4))
    x = mb.tensor([1, 4, 2, 3], "int8", **Q, name="x")
    y = mb.tensor([1, 4, 2, 8], "int8", **Q, name="y")
    mb.op("CONCATENATION", [x, s], [y], dict(axis=3, fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_shape_then_strided_slice_gives_reshape_its_shape(tflm_check):
    """SHAPE(w) [1, 24, 1] -> STRIDED_SLICE [0:2] -> RESHAPE's shape: all folded."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", **Q, name="x")
    w = mb.tensor([1, 24, 1], "int8", **Q, name="w")
    r = mb.tensor([1, 4, 6], "int8", **Q, name="r")
    s = mb.tensor([3], "int32", name="s")
    s2 = mb.tensor([2], "int32", name="s2")
    z = mb.tensor([1, 24], "int8", **Q, name="z")
    mb.op("RELU", [x], [r])
    mb.op("SHAPE", [w], [s])
    mb.op("STRIDED_SLICE", [s, mb.int32([0]), mb.int32([2]), mb.int32([1])], [s2])
    mb.op("RESHAPE", [r, s2], [z])
    cm = tflm_check(mb.build([x, w], [z]))
    assert [op.kind for op in cm.graph.operators] == ["RELU"]


def test_wrong_output_shape_is_malformed():
    with pytest.raises(MalformedModelError, match="computes \\[1, 4, 4, 4\\]"):
        compile_model(opmodels.strided_slice(out_shape=(1, 4, 3, 4)))


def test_zero_stride_is_malformed():
    with pytest.raises(MalformedModelError, match="stride 0"):
        compile_model(opmodels.strided_slice((4, 4), (0, 0), (4, 4), (1, 0), out_shape=(4, 4)))


def test_non_constant_begin_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([4, 4], "int8", **Q)
    b = mb.tensor([2], "int32")
    y = mb.tensor([2, 4], "int8", **Q)
    mb.op("STRIDED_SLICE", [x, b, mb.int32([2, 4]), mb.int32([1, 1])], [y])
    with pytest.raises(UnsupportedError, match="must be a constant"):
        compile_model(mb.build([x, b], [y]))


def test_shrink_with_negative_stride_is_refused():
    with pytest.raises(UnsupportedError, match="negative stride"):
        compile_model(opmodels.strided_slice((4, 4), (1, 0), (2, 4), (-1, 1), out_shape=(4,),
                                             shrink_axis_mask=1))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,begin,end,strides,masks", CASES + [
    ((4, 5, 6, 7), (0, 1, 0, 1), (4, 5, 6, 7), (2, 2, 3, 2), {}),   # 4 strided loops + run
    ((3, 4, 5, 6), (1, 0, 0, 0), (2, 4, 5, 6), (1, 1, 1, 1), {}),   # one contiguous run
])
def test_dtypes_strided_slice(compile_to, dtype, in_shape, begin, end, strides, masks):
    # (the builder quantizes every dtype; float32 and int32 ignore it, as TFLM does)
    model = opmodels.strided_slice(in_shape, begin, end, strides, dtype=dtype, **masks)
    movement.check(compile_to, model, "STRIDED_SLICE", dtype)


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_constant_input_folds(compile_to, dtype):
    """A constant sliced at compile time, then concatenated with the model input."""
    mb = ModelBuilder()
    data = (np.arange(-40, 40) * 777).astype(movement.NP[dtype]).reshape(1, 4, 4, 5)
    c = mb.const(data, dtype, **movement.quant(dtype))
    s = movement.tensor(mb, [1, 4, 2, 5], dtype)
    mb.op("STRIDED_SLICE", [c, mb.int32([0, 0, 3, 0]), mb.int32([1, 4, 0, 5]),
                            mb.int32([1, 1, -2, 1])], [s], dict(end_mask=4))
    x = movement.tensor(mb, [1, 4, 2, 3], dtype)
    y = movement.tensor(mb, [1, 4, 2, 8], dtype)
    mb.op("CONCATENATION", [x, s], [y], dict(axis=3))
    cm = movement.check(compile_to, mb.build([x], [y]), "CONCATENATION", dtype)
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_int64_at_run_time_is_refused():
    with pytest.raises(UnsupportedError, match="int64 at run time"):
        compile_model(opmodels.strided_slice(dtype="int64"))


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_five_strided_dims_are_refused(dtype):
    with pytest.raises(UnsupportedError, match="5 non-contiguous dimensions"):
        compile_model(opmodels.strided_slice((2, 3, 4, 5, 6), (0,) * 5, (2, 3, 4, 5, 6),
                                             (1, 2, 2, 2, 2), dtype=dtype))
