"""PACK and UNPACK (ops/pack.py) against TFLM over axes (negative too) and ranks; constant
inputs folded; Keras' SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE chain folded end to end; float32,
int16 and int32 (bytes, ops/movement.py) over the same axes, a round trip and constants."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.report import build_report, format_report

Q = {"scale": 0.05, "zero_point": -3}


PACKS = [
    ((1, 4, 3), 3, 1), ((1, 4, 3), 2, 0), ((1, 4, 3), 4, 3), ((1, 4, 3), 2, -1),
    ((2, 5), 3, -2), ((7,), 5, 0), ((2, 3, 4, 5), 2, 2), ((6,), 1, -1),
]
UNPACKS = [
    ((1, 3, 4, 5), 1), ((1, 3, 4, 5), 3), ((1, 3, 4, 5), -1), ((4, 6), 0), ((4, 6), -1),
    ((5,), 0), ((2, 3, 4), -2), ((1, 3, 4, 5), 0),
]


@pytest.mark.parametrize("in_shape,count,axis", PACKS)
def test_pack_matches_tflm(tflm_check, in_shape, count, axis):
    tflm_check(opmodels.pack(in_shape, count, axis))


@pytest.mark.parametrize("in_shape,axis", UNPACKS)
def test_unpack_matches_tflm(tflm_check, in_shape, axis):
    tflm_check(opmodels.unpack(in_shape, axis))


def test_unpack_then_pack_round_trip(tflm_check):
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 4], "int8", **Q, name="x")
    parts = [mb.tensor([2, 4], "int8", **Q, name=f"p{i}") for i in range(3)]
    mb.op("UNPACK", [x], parts, dict(axis=1, num=3))
    y = mb.tensor([3, 2, 4], "int8", **Q, name="y")
    mb.op("PACK", parts[::-1], [y], dict(axis=0, values_count=3))
    tflm_check(mb.build([x], [y]))


def _keras_flatten() -> bytes:
    """Keras' Flatten with a dynamic batch: RESHAPE(x, PACK(SHAPE(x)[0], -1)) after a RELU."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6, 2], "int8", **Q, name="x")
    r = mb.tensor([1, 4, 6, 2], "int8", **Q, name="r")
    s = mb.tensor([4], "int32", name="shape")
    b = mb.tensor([], "int32", name="batch")
    p = mb.tensor([2], "int32", name="packed")
    y = mb.tensor([1, 48], "int8", **Q, name="y")
    mb.op("RELU", [x], [r])
    mb.op("SHAPE", [r], [s])
    mb.op("STRIDED_SLICE", [s, mb.int32([0]), mb.int32([1]), mb.int32([1])], [b],
          dict(shrink_axis_mask=1))
    minus1 = mb.const(np.array([-1], np.int32), "int32", name="minus1")
    mb._tensors[minus1.index].shape = []        # a scalar (const() makes arrays at least 1-D)
    mb.op("PACK", [b, minus1], [p],
          dict(axis=0, values_count=2))
    mb.op("RESHAPE", [r, p], [y])
    return mb.build([x], [y])


def test_keras_shape_chain_folds_completely(tflm_check):
    cm = tflm_check(_keras_flatten())
    assert [op.kind for op in cm.graph.operators] == ["RELU"]
    report = format_report(build_report(cm))
    assert "#1 SHAPE" in report and "#2 STRIDED_SLICE" in report and "#3 PACK" in report


def test_constant_unpack_folds(tflm_check):
    mb = ModelBuilder()
    c = mb.const(np.arange(24, dtype=np.int8).reshape(2, 3, 4), "int8", **Q, name="c")
    parts = [mb.tensor([2, 4], "int8", **Q, name=f"p{i}") for i in range(3)]
    mb.op("UNPACK", [c], parts, dict(axis=1, num=3))
    x = mb.tensor([2, 4], "int8", **Q, name="x")
    y = mb.tensor([2, 8], "int8", **Q, name="y")
    mb.op("CONCATENATION", [x, parts[2]], [y], dict(axis=1, fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_pack_shape_mismatch_is_malformed():
    mb = ModelBuilder()
    a = mb.tensor([2, 3], "int8", **Q)
    b = mb.tensor([3, 2], "int8", **Q)
    y = mb.tensor([2, 2, 3], "int8", **Q)
    mb.op("PACK", [a, b], [y], dict(axis=0, values_count=2))
    with pytest.raises(MalformedModelError, match="input 1"):
        compile_model(mb.build([a, b], [y]))


def test_pack_wrong_output_shape_is_malformed():
    mb = ModelBuilder()
    a = mb.tensor([2, 3], "int8", **Q)
    y = mb.tensor([2, 3, 2], "int8", **Q)
    mb.op("PACK", [a, a], [y], dict(axis=0, values_count=2))
    with pytest.raises(MalformedModelError, match="computes \\[2, 2, 3\\]"):
        compile_model(mb.build([a], [y]))


def test_unpack_output_count_is_checked():
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", **Q)
    ys = [mb.tensor([3], "int8", **Q) for _ in range(3)]
    mb.op("UNPACK", [x], ys, dict(axis=0, num=3))
    with pytest.raises(MalformedModelError, match="3 outputs for the input's 2 slots"):
        compile_model(mb.build([x], ys))


def test_int64_pack_at_run_time_is_refused():
    mb = ModelBuilder()
    a = mb.tensor([2, 3], "int64")
    y = mb.tensor([1, 2, 3], "int64")
    mb.op("PACK", [a], [y], dict(axis=0, values_count=1))
    with pytest.raises(UnsupportedError, match="int64 at run time"):
        compile_model(mb.build([a], [y]))


def test_keras_shape_chain_folds_in_int64(compile_to):
    """The same chain with int64 shape arithmetic (SHAPE out_type int64, int64 begin / end /
    strides, an int64 PACK and RESHAPE shape): folded on the host (TFLM reads these as int32,
    so the result is checked against numpy)."""
    from tests.helpers.hostrun import HostModel
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6, 2], "int8", **Q, name="x")
    r = mb.tensor([1, 4, 6, 2], "int8", **Q, name="r")
    s = mb.tensor([4], "int64", name="shape")
    b = mb.tensor([], "int64", name="batch")
    p = mb.tensor([2], "int64", name="packed")
    y = mb.tensor([1, 48], "int8", **Q, name="y")
    i64 = lambda v: mb.const(np.array(v, np.int64), "int64")  # noqa: E731
    mb.op("RELU", [x], [r])
    mb.op("SHAPE", [r], [s])
    mb.op("STRIDED_SLICE", [s, i64([0]), i64([1]), i64([1])], [b], dict(shrink_axis_mask=1))
    minus1 = i64([-1])
    mb._tensors[minus1.index].shape = []
    mb.op("PACK", [b, minus1], [p], dict(axis=0, values_count=2))
    mb.op("RESHAPE", [r, p], [y])
    cm, out = compile_to(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["RELU"]
    assert cm.graph.t(p.index).data.tolist() == [1, -1]
    xs = np.random.default_rng(1).integers(-128, 128, (1, 4, 6, 2), dtype=np.int8)
    with HostModel(out) as host:
        (got,), = host.run([[xs]])
    want = np.maximum(xs, Q["zero_point"]).reshape(-1)
    assert np.frombuffer(got, np.int8).tolist() == want.tolist()


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,count,axis", PACKS)
def test_dtypes_pack(compile_to, dtype, in_shape, count, axis):
    mb = ModelBuilder()
    xs = [movement.tensor(mb, in_shape, dtype) for _ in range(count)]
    out = list(in_shape)
    out.insert(axis % (len(in_shape) + 1), count)
    y = movement.tensor(mb, out, dtype)
    mb.op("PACK", xs, [y], dict(axis=axis, values_count=count))
    movement.check(compile_to, mb.build(xs, [y]), "PACK", dtype)


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,axis", UNPACKS)
def test_dtypes_unpack(compile_to, dtype, in_shape, axis):
    mb = ModelBuilder()
    x = movement.tensor(mb, in_shape, dtype)
    a = axis % len(in_shape)
    ys = [movement.tensor(mb, [d for k, d in enumerate(in_shape) if k != a], dtype)
          for _ in range(in_shape[a])]
    mb.op("UNPACK", [x], ys, dict(axis=axis, num=in_shape[a]))
    movement.check(compile_to, mb.build([x], ys), "UNPACK", dtype)


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_unpack_then_pack_with_a_constant(compile_to, dtype):
    mb = ModelBuilder()
    x = movement.tensor(mb, [2, 3, 4], dtype)
    parts = [movement.tensor(mb, [2, 4], dtype) for _ in range(3)]
    mb.op("UNPACK", [x], parts, dict(axis=1, num=3))
    c = mb.const((np.arange(8) * -4321).astype(movement.NP[dtype]).reshape(2, 4), dtype,
                 **movement.quant(dtype))
    y = movement.tensor(mb, [4, 2, 4], dtype)
    mb.op("PACK", [*parts[::-1], c], [y], dict(axis=0, values_count=4))
    movement.check(compile_to, mb.build([x], [y]), "PACK", dtype)
