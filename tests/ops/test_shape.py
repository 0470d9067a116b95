"""SHAPE (ops/shape.py) and constant folding (passes/fold_constants.py): a SHAPE of a static
tensor, and everything computed from constants after it, is evaluated at compile time; of
float32, int16 and int32 tensors too."""
from __future__ import annotations

import pytest

from tests.helpers import movement
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError
from tinyengine_pio.report import build_report, format_report

Q = {"scale": 0.05, "zero_point": -3}


def _reshape_by_shape() -> bytes:
    """y = RELU(x); z = RESHAPE(y, SHAPE(w)) where w is another model input of the target shape."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", **Q, name="x")
    w = mb.tensor([1, 24], "int8", **Q, name="w")
    y = mb.tensor([1, 4, 6], "int8", **Q, name="y")
    s = mb.tensor([2], "int32", name="s")
    z = mb.tensor([1, 24], "int8", **Q, name="z")
    mb.op("RELU", [x], [y])
    mb.op("SHAPE", [w], [s])
    mb.op("RESHAPE", [y, s], [z])
    return mb.build([x, w], [z])


def test_shape_folds_and_the_model_matches_tflm(tflm_check):
    cm = tflm_check(_reshape_by_shape())
    assert [op.kind for op in cm.graph.operators] == ["RELU"]
    assert "folded at compile time: #1 SHAPE" in format_report(build_report(cm))


def test_shape_as_a_model_output_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", **Q)
    y = mb.tensor([1, 4], "int8", **Q)
    s = mb.tensor([2], "int32")
    mb.op("RELU", [x], [y])
    mb.op("SHAPE", [x], [s])
    with pytest.raises(UnsupportedError, match="SHAPE whose result is a model output"):
        compile_model(mb.build([x], [y, s]))


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_shape_of_other_dtypes_folds(compile_to, dtype):
    """z = RESHAPE(PAD(x), SHAPE(w)): the SHAPE of a float32 / int16 / int32 input folds."""
    mb = ModelBuilder()
    x = movement.tensor(mb, [1, 4, 6], dtype)
    w = movement.tensor(mb, [2, 24], dtype)
    p = movement.tensor(mb, [1, 8, 6], dtype)
    mb.op("PAD", [x, mb.int32([[0, 0], [2, 2], [0, 0]])], [p])
    s = mb.tensor([2], "int32")
    mb.op("SHAPE", [w], [s])
    z = movement.tensor(mb, [2, 24], dtype)
    mb.op("RESHAPE", [p, s], [z])
    cm = movement.check(compile_to, mb.build([x, w], [z]), "PAD", dtype)
    assert [op.kind for op in cm.graph.operators] == ["PAD"]
