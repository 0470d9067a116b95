"""RESIZE_NEAREST_NEIGHBOR against TFLM: up (2x, 3x, uneven), down, align_corners,
half_pixel_centers."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("case", [dict(), dict(size=(8, 8)),
                                  dict(size=(7, 5), align_corners=True),
                                  dict(size=(9, 10), half_pixel_centers=True),
                                  dict(in_shape=(1, 5, 3, 2), size=(3, 2)),
                                  dict(in_shape=(1, 4, 5, 18), size=(8, 10))],
                         ids=["3x", "2x", "align", "half_pixel", "down", "det_like"])
def test_resize_nearest(tflm_check, case):
    tflm_check(opmodels.resize_nearest(**case))
