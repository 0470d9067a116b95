"""EXPAND_DIMS (ops/expand_dims.py) against TFLM: an alias (no code) at every axis, negative
ones too, rank-0 and rank-1 axis tensors, as a model output; constant inputs folded; float32,
int16 and int32 (ops/movement.py; TFLM refuses int32, numpy there)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError

Q = {"scale": 0.05, "zero_point": -3}


@pytest.mark.parametrize("in_shape,axis,axis_rank", [
    ((1, 6, 4), 0, 1), ((1, 6, 4), 2, 1), ((1, 6, 4), 3, 0), ((1, 6, 4), -1, 1),
    ((1, 6, 4), -4, 0), ((5,), 1, 1),
])
def test_expand_dims_is_an_alias_matching_tflm(tflm_check, in_shape, axis, axis_rank):
    cm = tflm_check(opmodels.expand_dims(in_shape, axis, axis_rank))
    assert [op.kind for op in cm.graph.operators] == ["RELU", "RELU"]


def test_expand_dims_as_model_output(tflm_check):
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", **Q)
    r = mb.tensor([2, 3], "int8", **Q)
    y = mb.tensor([2, 1, 3], "int8", **Q)
    mb.op("RELU", [x], [r])
    mb.op("EXPAND_DIMS", [r, mb.int32([1])], [y])
    tflm_check(mb.build([x], [y]))


def test_constant_input_folds(tflm_check):
    mb = ModelBuilder()
    c = mb.const(np.arange(-6, 6, dtype=np.int8).reshape(4, 3), "int8", **Q, name="c")
    e = mb.tensor([4, 1, 3], "int8", **Q)
    mb.op("EXPAND_DIMS", [c, mb.int32([-2])], [e])
    x = mb.tensor([4, 1, 3], "int8", **Q)
    y = mb.tensor([4, 2, 3], "int8", **Q)
    mb.op("CONCATENATION", [x, e], [y], dict(axis=1, fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_wrong_output_shape_is_malformed():
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", **Q)
    y = mb.tensor([2, 3, 1], "int8", **Q)
    mb.op("EXPAND_DIMS", [x, mb.int32([0])], [y])
    with pytest.raises(MalformedModelError, match="computes \\[1, 2, 3\\]"):
        compile_model(mb.build([x], [y]))


def test_axis_out_of_range_is_malformed():
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", **Q)
    y = mb.tensor([2, 3, 1], "int8", **Q)
    mb.op("EXPAND_DIMS", [x, mb.int32([4])], [y])
    with pytest.raises(MalformedModelError, match="axis 4 is out of range"):
        compile_model(mb.build([x], [y]))


# --- float32 / int16 / int32: the int8 implementation (an alias) in every dtype -------------

@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,axis", [((1, 6, 4), 0), ((1, 6, 4), -1), ((5,), 1),
                                           ((2, 3), -2)])
def test_dtypes_expand_dims(compile_to, dtype, in_shape, axis):
    mb = ModelBuilder()
    x = movement.tensor(mb, in_shape, dtype)
    a = axis % (len(in_shape) + 1)
    e = movement.tensor(mb, list(in_shape[:a]) + [1] + list(in_shape[a:]), dtype)
    mb.op("EXPAND_DIMS", [x, mb.int32([axis])], [e])
    cm = movement.check(compile_to, mb.build([x], [e]), "EXPAND_DIMS", dtype,
                        ref=lambda x: [np.expand_dims(x, a)])
    assert cm.graph.operators == []
