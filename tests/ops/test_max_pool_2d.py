"""MAX_POOL_2D against TFLM: 2x2/3x3/5x3 windows, strides, SAME/VALID, global, batch 2, fused activations."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.builder import ModelBuilder


@pytest.mark.parametrize("geo", [dict(filt=(2, 2), stride=(2, 2), padding="VALID"),
                                 dict(filt=(3, 3), stride=(2, 2), padding="SAME"),
                                 dict(filt=(3, 3), stride=(1, 1), padding="SAME"),
                                 dict(filt=(5, 3), stride=(1, 2), padding="SAME"),
                                 dict(in_shape=(1, 7, 9, 5), filt=(7, 9), stride=(1, 1),
                                      padding="VALID"),
                                 dict(in_shape=(2, 5, 5, 3), filt=(2, 2), stride=(1, 1),
                                      padding="VALID")],
                         ids=["2x2s2", "3x3s2same", "3x3s1same", "5x3same", "global", "batch2"])
def test_pool(tflm_check, geo):
    tflm_check(opmodels.pool(op="MAX_POOL_2D", **geo))


@pytest.mark.parametrize("act", ["RELU", "RELU6"])
def test_pool_activation(tflm_check, act):
    mb = ModelBuilder()
    x = mb.tensor([1, 6, 6, 3], "int8", scale=0.05, zero_point=-3)
    y = mb.tensor([1, 3, 3, 3], "int8", scale=0.05, zero_point=-3)
    mb.op("MAX_POOL_2D", [x], [y], dict(padding="VALID", stride_h=2, stride_w=2, filter_height=2,
                                 filter_width=2, fused_activation_function=act))
    tflm_check(mb.build([x], [y]))
