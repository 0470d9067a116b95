"""FULLY_CONNECTED against TFLM: per-tensor and per-channel, with and without bias (the multiplier
is computed differently), batches, keep_num_dims, activations, extreme scales."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import fc_model


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6"])
def test_quantization_modes(tflm_check, per_channel, bias, act):
    tflm_check(fc_model(per_channel=per_channel, bias=bias, act=act))


@pytest.mark.parametrize("case", [
    dict(in_shape=(3, 20), units=5),
    dict(in_shape=(1, 2, 3, 8), units=4, keep_num_dims=True),
    dict(in_shape=(1, 1), units=1),
    dict(in_shape=(1, 640), units=128),
    dict(in_q=(1e-3, 0), out_q=(1.0, 0), w_range=(1e-4, 2e-4)),
    dict(in_q=(0.8, -128), out_q=(1e-3, 127), w_range=(0.1, 0.2)),
], ids=["batch3", "keep_num_dims", "scalar", "wide", "tiny_scales", "huge_scales"])
def test_shapes_and_scales(tflm_check, case):
    tflm_check(fc_model(**case))
