"""FULLY_CONNECTED against TFLM: per-tensor and per-channel, with and without bias (the multiplier
is computed differently), batches, keep_num_dims, activations, extreme scales."""
from __future__ import annotations

import numpy as np

from tests.ops.test_conv_2d import prune, prune_bias
import pytest

from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights


def fc_model(in_shape=(1, 37), units=11, per_channel=False, bias=True, act="NONE",
             in_q=(0.05, -3), out_q=(0.1, 7), w_range=(0.002, 0.01), keep_num_dims=False,
             seed=0, pruned=()) -> bytes:
    rng = np.random.default_rng(seed)
    depth = in_shape[-1]
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1])
    wq, ws = random_conv_weights(rng, [units, depth], per_channel, scale_range=w_range)
    wq, ws = prune(wq, ws, pruned)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
    B = None
    if bias:
        bq, bs = random_bias(rng, units, in_q[0], ws)
        B = mb.const(prune_bias(bq, pruned), scale=bs, zero_point=0)
    batches = int(np.prod(in_shape[:-1]))
    out_shape = [*in_shape[:-1], units] if keep_num_dims else [batches, units]
    y = mb.tensor(out_shape, "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("FULLY_CONNECTED", [x, W, B], [y], dict(fused_activation_function=act,
                                                  keep_num_dims=keep_num_dims))
    return mb.build([x], [y])


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
