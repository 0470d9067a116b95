"""GATHER (ops/gather.py) against TFLM: axes (negative too), index ranks 0 to 2, batch_dims,
constant and computed indices (a model input, and ARG_MAX's output); constant folding; the
malformed cases; float32, int16 and int32 (bytes, ops/movement.py; TFLM runs float32 only, the
integers are checked against numpy) over the same cases, computed indices (an index out of range
writes 0) and constants."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

Q = {"scale": 0.05, "zero_point": -3}


CASES = [
    ((1, 6, 4), (3, 0, 5, 5), 1, 0),
    ((1, 6, 4), (3, 0, 2), -1, 0),
    ((10, 3), ((1, 2), (9, 0), (4, 4)), 0, 0),      # 2-D indices
    ((5, 7), (2,), 1, 0),
    ((12,), (11, 0, 3), 0, 0),
    ((2, 5, 3), ((4, 0), (1, 1)), 1, 1),            # batch_dims 1
    ((2, 4, 5, 3), ((0, 4, 2), (3, 3, 1)), 2, 1),   # batch_dims 1 with an outer dimension
]


@pytest.mark.parametrize("in_shape,indices,axis,batch_dims", CASES)
def test_gather_constant_indices_matches_tflm(tflm_check, in_shape, indices, axis, batch_dims):
    tflm_check(opmodels.gather(in_shape, indices, axis, batch_dims))


def test_gather_scalar_index(tflm_check):
    mb = ModelBuilder()
    x = mb.tensor([1, 6, 4], "int8", **Q)
    i = mb.const(np.array([2], np.int32), "int32")
    mb._tensors[i.index].shape = []
    y = mb.tensor([1, 4], "int8", **Q)
    mb.op("GATHER", [x, i], [y], dict(axis=1))
    tflm_check(mb.build([x], [y]))


def test_gather_runtime_indices_matches_tflm(tflm_check):
    rng = np.random.default_rng(3)
    sets = [[rng.integers(-128, 128, (2, 7, 3), dtype=np.int8),
             rng.integers(0, 7, (5,), dtype=np.int32)] for _ in range(4)]
    tflm_check(opmodels.gather((2, 7, 3), (0, 1, 2, 3, 4), 1, const_indices=False), sets)


def test_gather_by_arg_max(tflm_check):
    """Indices computed in the model: ARG_MAX over a second input picks rows of the first."""
    mb = ModelBuilder()
    x = mb.tensor([6, 4], "int8", **Q, name="x")
    s = mb.tensor([3, 6], "int8", **Q, name="s")
    i = mb.tensor([3], "int32", name="i")
    mb.op("ARG_MAX", [s, mb.int32([1])], [i], dict(output_type=2))   # TensorType INT32
    y = mb.tensor([3, 4], "int8", **Q, name="y")
    mb.op("GATHER", [x, i], [y], dict(axis=0))
    tflm_check(mb.build([x, s], [y]))


def test_constant_gather_folds(tflm_check):
    mb = ModelBuilder()
    c = mb.const(np.arange(-12, 12, dtype=np.int8).reshape(4, 6), "int8", **Q)
    g = mb.tensor([4, 2], "int8", **Q)
    mb.op("GATHER", [c, mb.int32([5, 1])], [g], dict(axis=1))
    x = mb.tensor([4, 2], "int8", **Q)
    y = mb.tensor([4, 4], "int8", **Q)
    mb.op("CONCATENATION", [x, g], [y], dict(axis=1, fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_constant_index_out_of_range_is_malformed():
    with pytest.raises(MalformedModelError, match="index 6 is out of range"):
        compile_model(opmodels.gather((1, 6, 4), (3, 6), 1))


def test_wrong_output_shape_is_malformed():
    mb = ModelBuilder()
    x = mb.tensor([6, 4], "int8", **Q)
    y = mb.tensor([4, 2], "int8", **Q)
    mb.op("GATHER", [x, mb.int32([1, 2])], [y], dict(axis=0))
    with pytest.raises(MalformedModelError, match="computes \\[2, 4\\]"):
        compile_model(mb.build([x], [y]))


def test_int64_at_run_time_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([6, 4], "int64")
    y = mb.tensor([2, 4], "int64")
    mb.op("GATHER", [x, mb.int32([1, 2])], [y], dict(axis=0))
    with pytest.raises(UnsupportedError, match="int64 at run time"):
        compile_model(mb.build([x], [y]))


def test_computed_index_out_of_range_writes_the_zero_point(compile_to):
    """TFLM leaves it undefined; here nothing outside the input is read."""
    from tests.helpers.hostrun import HostModel
    _cm, out = compile_to(opmodels.gather((2, 7, 3), (0, 1, 2, 3, 4), 1, const_indices=False))
    x = np.arange(42, dtype=np.int8).reshape(2, 7, 3)
    with HostModel(out) as host:
        (got,), = host.run([[x, np.array([0, 7, -1, 6, 100000], np.int32)]])
    got = np.frombuffer(got, np.int8).reshape(2, 5, 3)
    assert got[:, [0, 3]].tolist() == x[:, [0, 6]].tolist()
    assert (got[:, [1, 2, 4]] == opmodels.IN_ZP).all()


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

def _model(dtype, in_shape, indices, axis, batch_dims=0, const_indices=True):
    mb = ModelBuilder()
    x = movement.tensor(mb, in_shape, dtype)
    idx = np.asarray(indices, dtype=np.int32)
    ind = mb.const(idx, "int32") if const_indices else mb.tensor(idx.shape, "int32")
    a = axis % len(in_shape)
    y = movement.tensor(mb, list(in_shape[:a]) + list(idx.shape[batch_dims:]) +
                        list(in_shape[a + 1:]), dtype)
    mb.op("GATHER", [x, ind], [y], dict(axis=axis, batch_dims=batch_dims))
    return mb.build([x] if const_indices else [x, ind], [y])


def _take(x, idx, axis, batch_dims):
    """numpy's GATHER with batch_dims (TFLM's semantics)."""
    if batch_dims == 0:
        return np.take(x, idx, axis=axis)
    return np.stack([_take(x[b], idx[b], axis - 1, batch_dims - 1) for b in range(x.shape[0])])


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,indices,axis,batch_dims", CASES)
def test_dtypes_gather(compile_to, dtype, in_shape, indices, axis, batch_dims):
    idx = np.asarray(indices)
    movement.check(compile_to, _model(dtype, in_shape, indices, axis, batch_dims), "GATHER",
                   dtype, ref=lambda x: [_take(x, idx, axis % x.ndim, batch_dims)])


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_gather_runtime_indices(compile_to, dtype):
    rng = np.random.default_rng(3)
    sets = [[movement.values((2, 7, 3), dtype, rng, special=k == 3),
             rng.integers(0, 7, (5,), dtype=np.int32)] for k in range(4)]
    movement.check(compile_to, _model(dtype, (2, 7, 3), (0, 1, 2, 3, 4), 1, const_indices=False),
                   "GATHER", dtype, ref=lambda x, i: [np.take(x, i, axis=1)], sets=sets)


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_computed_index_out_of_range_writes_zero(compile_to, dtype):
    from tests.helpers.hostrun import HostModel
    _cm, out = compile_to(_model(dtype, (2, 7, 3), (0, 1, 2, 3, 4), 1, const_indices=False))
    x = (np.arange(42) + 1).astype(movement.NP[dtype]).reshape(2, 7, 3)
    with HostModel(out) as host:
        (got,), = host.run([[x, np.array([0, 7, -1, 6, 100000], np.int32)]])
    got = np.frombuffer(got, movement.NP[dtype]).reshape(2, 5, 3)
    assert got[:, [0, 3]].tolist() == x[:, [0, 6]].tolist()
    assert (got[:, [1, 2, 4]] == 0).all()


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_constant_gather_folds(compile_to, dtype):
    mb = ModelBuilder()
    data = (np.arange(-12, 12) * 2345).astype(movement.NP[dtype]).reshape(4, 6)
    c = mb.const(data, dtype, **movement.quant(dtype))
    g = movement.tensor(mb, [4, 2], dtype)
    mb.op("GATHER", [c, mb.int32([5, 1])], [g], dict(axis=1))
    x = movement.tensor(mb, [4, 2], dtype)
    y = movement.tensor(mb, [4, 4], dtype)
    mb.op("CONCATENATION", [x, g], [y], dict(axis=1))
    # (TFLM refuses the integer GATHERs even on constants: numpy there)
    cm = movement.check(compile_to, mb.build([x], [y]), "GATHER", dtype,
                        ref=lambda x: [np.concatenate([x, data[:, [5, 1]]], axis=1)])
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]
