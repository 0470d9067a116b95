"""RESIZE_NEAREST_NEIGHBOR against TFLM: up (2x, 3x, uneven), down, align_corners,
half_pixel_centers; float32, int16 and int32 (bytes, ops/movement.py; TFLM refuses int32, checked
against TFLM's float32 index map) over the same cases and batches."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder

CASES = [dict(), dict(size=(8, 8)), dict(size=(7, 5), align_corners=True),
         dict(size=(9, 10), half_pixel_centers=True), dict(in_shape=(1, 5, 3, 2), size=(3, 2)),
         dict(in_shape=(1, 4, 5, 18), size=(8, 10))]
IDS = ["3x", "2x", "align", "half_pixel", "down", "det_like"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_resize_nearest(tflm_check, case):
    tflm_check(opmodels.resize_nearest(**case))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

def _model(dtype, in_shape=(1, 4, 4, 3), size=(8, 12), align_corners=False,
           half_pixel_centers=False):
    mb = ModelBuilder()
    x = movement.tensor(mb, in_shape, dtype)
    y = movement.tensor(mb, [in_shape[0], *size, in_shape[3]], dtype)
    mb.op("RESIZE_NEAREST_NEIGHBOR", [x, mb.int32(list(size))], [y],
          dict(align_corners=align_corners, half_pixel_centers=half_pixel_centers))
    return mb.build([x], [y])


def _reference(case):
    """TFLM's own source map: its float32 kernel run on the flat index of every element."""
    from tests.helpers.tflm import run_tflm
    shape = case.get("in_shape", (1, 4, 4, 3))
    iota = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    src = run_tflm(_model("float32", **case), [iota])[0].astype(np.int64)
    return lambda x: [x.reshape(-1)[src]]


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("case", CASES + [dict(in_shape=(3, 2, 3, 5), size=(5, 4),
                                               half_pixel_centers=True)], ids=IDS + ["batch3"])
def test_dtypes_resize_nearest(compile_to, dtype, case):
    movement.check(compile_to, _model(dtype, **case), "RESIZE_NEAREST_NEIGHBOR", dtype,
                   ref=_reference(case))
