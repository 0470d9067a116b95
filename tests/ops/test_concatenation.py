"""CONCATENATION against TFLM: on channels, H with three inputs, axis 0, negative axis; float32,
int16 and int32 (bytes, ops/movement.py) over the same and 1-D, five-input and constant cases;
int16 inputs of another quantization and mixed dtypes refused."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("shapes,axis", [(((1, 4, 4, 3), (1, 4, 4, 5)), 3),
                                         (((1, 2, 4, 3), (1, 3, 4, 3), (1, 1, 4, 3)), 1),
                                         (((2, 3), (2, 3)), 0), (((1, 4, 4, 3), (1, 4, 4, 2)), -1)])
def test_concatenation(tflm_check, shapes, axis):
    tflm_check(opmodels.concatenation(shapes, axis))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

def _model(dtype, shapes, axis, const=None):
    mb = ModelBuilder()
    xs = [movement.tensor(mb, s, dtype) for s in shapes]
    ins = list(xs)
    if const is not None:
        ins.append(mb.const(np.asarray(const, movement.NP[dtype]), dtype, **movement.quant(dtype)))
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes) + (np.shape(const)[axis] if const is not None else 0)
    y = movement.tensor(mb, out, dtype)
    mb.op("CONCATENATION", ins, [y], dict(axis=axis))
    return mb.build(xs, [y])


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("shapes,axis", [
    (((1, 4, 4, 3), (1, 4, 4, 5)), 3), (((1, 2, 4, 3), (1, 3, 4, 3), (1, 1, 4, 3)), 1),
    (((2, 3), (2, 3)), 0), (((1, 4, 4, 3), (1, 4, 4, 2)), -1), (((5,), (1,), (3,)), 0),
    (((2, 1, 3, 1), (2, 2, 3, 1)), 1), (((3, 2, 7),) * 5, 2),
])
def test_dtypes_concatenation(compile_to, dtype, shapes, axis):
    movement.check(compile_to, _model(dtype, shapes, axis), "CONCATENATION", dtype)


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_constant_input(compile_to, dtype):
    const = np.arange(-6, 6).reshape(2, 2, 3) * 1000
    movement.check(compile_to, _model(dtype, [(2, 3, 3)], 1, const=const), "CONCATENATION", dtype)


def test_int16_inputs_need_the_output_quantization():
    mb = ModelBuilder()
    a = mb.tensor([2, 3], "int16", scale=0.01, zero_point=0)
    b = mb.tensor([2, 3], "int16", scale=0.02, zero_point=0)
    y = mb.tensor([4, 3], "int16", scale=0.01, zero_point=0)
    mb.op("CONCATENATION", [a, b], [y], dict(axis=0))
    with pytest.raises(UnsupportedError, match="CONCATENATION: input .* must have the output's "
                                               "scale and zero point"):
        compile_model(mb.build([a, b], [y]))


def test_mixed_dtypes_are_refused():
    mb = ModelBuilder()
    a = mb.tensor([2, 3], "float32")
    b = mb.tensor([2, 3], "int32")
    y = mb.tensor([4, 3], "float32")
    mb.op("CONCATENATION", [a, b], [y], dict(axis=0))
    # no implementation takes float32 and int32: the primary names the first tensor it refuses
    with pytest.raises(UnsupportedError,
                       match="CONCATENATION: input 0 .* is float32, expected int8"):
        compile_model(mb.build([a, b], [y]))
