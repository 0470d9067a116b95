"""MEAN against TFLM: over H and W, C, H, two axes incl. the batch, keep_dims or not."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("case", [dict(axis=(1, 2), keep_dims=True),
                                  dict(axis=(1, 2), keep_dims=False),
                                  dict(axis=(3,), keep_dims=False),
                                  dict(axis=(1,), keep_dims=True),
                                  dict(in_shape=(1, 160, 3, 3), axis=(3,), keep_dims=False),
                                  dict(in_shape=(2, 5, 7, 3), axis=(0, 2), keep_dims=True),
                                  dict(in_shape=(1, 25, 25, 2), axis=(1, 2), keep_dims=True)],
                         ids=["hw_keep", "hw", "c", "h_keep", "mcunet_last", "two_axes", "625"])
def test_mean(tflm_check, case):
    tflm_check(opmodels.mean(**case))
