"""TRANSPOSE against TFLM: NHWC->NCHW, 3-D, 2-D and a full reversal; float32, int16 and int32
(int32: TFLM refuses it, numpy instead) as bytes, up to 5-D when the last axis stays last."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("shape,perm", [((1, 3, 4, 5), (0, 3, 1, 2)), ((1, 3, 3, 160), (0, 3, 1, 2)),
                                        ((2, 3, 4), (2, 0, 1)), ((3, 5), (1, 0)),
                                        ((2, 3, 4, 5), (3, 2, 1, 0))])
def test_transpose(tflm_check, shape, perm):
    tflm_check(opmodels.transpose(shape, perm))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

def _model(dtype, shape, perm):
    mb = ModelBuilder()
    x = movement.tensor(mb, shape, dtype)
    y = movement.tensor(mb, [shape[p] for p in perm], dtype)
    mb.op("TRANSPOSE", [x, mb.int32(list(perm))], [y])
    return mb.build([x], [y])


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("shape,perm", [
    ((1, 3, 4, 5), (0, 3, 1, 2)), ((2, 3, 4), (2, 0, 1)), ((3, 5), (1, 0)),
    ((2, 3, 4, 5), (3, 2, 1, 0)), ((2, 3, 4, 5), (1, 0, 2, 3)),    # last axis kept: one run
    ((1, 7, 1, 9), (2, 3, 0, 1)), ((6,), (0,)), ((4, 1, 3), (1, 2, 0)),
    ((2, 3, 4, 5, 3), (3, 2, 1, 0, 4)),      # 5 non-unit dims: 4 strided loops around a run
])
def test_dtypes_transpose(compile_to, dtype, shape, perm):
    movement.check(compile_to, _model(dtype, shape, perm), "TRANSPOSE", dtype,
                   ref=lambda x: [np.transpose(x, perm)])


@pytest.mark.parametrize("dtype", ["int8", *movement.DTYPES])
def test_five_strided_dims_are_refused(dtype):
    with pytest.raises(UnsupportedError, match="TRANSPOSE: .*(non-unit|non-contiguous)"):
        compile_model(_model(dtype, (2, 3, 4, 5, 3), (4, 3, 2, 1, 0)))
