"""MAX_POOL_2D against TFLM: 2x2/3x3/5x3 windows, strides, SAME/VALID, global, batch 2, fused activations."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import POOL_GEOMETRIES, POOL_GEOMETRY_IDS, pool_activation_model


@pytest.mark.parametrize("geo", POOL_GEOMETRIES, ids=POOL_GEOMETRY_IDS)
def test_pool(tflm_check, geo):
    tflm_check(opmodels.pool(op="MAX_POOL_2D", **geo))


@pytest.mark.parametrize("act", ["RELU", "RELU6"])
def test_pool_activation(tflm_check, act):
    tflm_check(pool_activation_model("MAX_POOL_2D", act))
