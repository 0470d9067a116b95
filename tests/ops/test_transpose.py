"""TRANSPOSE against TFLM: NHWC->NCHW, 3-D, 2-D and a full reversal."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("shape,perm", [((1, 3, 4, 5), (0, 3, 1, 2)), ((1, 3, 3, 160), (0, 3, 1, 2)),
                                        ((2, 3, 4), (2, 0, 1)), ((3, 5), (1, 0)),
                                        ((2, 3, 4, 5), (3, 2, 1, 0))])
def test_transpose(tflm_check, shape, perm):
    tflm_check(opmodels.transpose(shape, perm))
