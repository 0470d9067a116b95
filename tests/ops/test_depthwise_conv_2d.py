"""DEPTHWISE_CONV_2D against TFLM: depth multiplier 1/2/8, kernel 3/5/7 and non-square,
stride 1/2, SAME/VALID, dilation, per-channel and per-tensor, activations, extreme scales."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
from tests.helpers.opmodels import _conv_out


def dw_model(in_shape=(1, 9, 9, 3), mult=1, k=(3, 3), stride=(1, 1), padding="SAME", act="NONE",
             dil=(1, 1), per_channel=True, in_q=(0.05, -3), out_q=(0.05, -20),
             w_range=(0.005, 0.02), seed=0, pad_first=None) -> bytes:
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    oc = c * mult
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1])
    src = x
    if pad_first is not None:
        (pt, pb), (pl, pr) = pad_first
        h, w = h + pt + pb, w + pl + pr
        src = mb.tensor([n, h, w, c], "int8", scale=in_q[0], zero_point=in_q[1])
        mb.op("PAD", [x, mb.int32([[0, 0], [pt, pb], [pl, pr], [0, 0]])], [src])
    wq, ws = random_conv_weights(rng, [1, *k, oc], per_channel, quant_dim=3, scale_range=w_range)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=3)
    bq, bs = random_bias(rng, oc, in_q[0], ws)
    B = mb.const(bq, scale=bs, zero_point=0, quant_dim=0)
    oh = _conv_out(h, k[0], stride[0], padding, dil[0])
    ow = _conv_out(w, k[1], stride[1], padding, dil[1])
    y = mb.tensor([n, oh, ow, oc], "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("DEPTHWISE_CONV_2D", [src, W, B], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1], depth_multiplier=mult,
        dilation_h_factor=dil[0], dilation_w_factor=dil[1], fused_activation_function=act))
    return mb.build([x], [y])


@pytest.mark.parametrize("k,s,p", list(itertools.product((3, 5, 7), (1, 2), ("SAME", "VALID"))))
def test_geometry(tflm_check, k, s, p):
    tflm_check(dw_model(k=(k, k), stride=(s, s), padding=p))


@pytest.mark.parametrize("mult,c", [(1, 5), (2, 3), (8, 1), (3, 2)])
def test_depth_multiplier(tflm_check, mult, c):
    tflm_check(dw_model(in_shape=(1, 7, 7, c), mult=mult))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, act):
    tflm_check(dw_model(act=act, out_q=(0.02, -1)))


@pytest.mark.parametrize("case", [
    dict(per_channel=False),
    dict(in_shape=(1, 30, 1, 8), k=(10, 1)),                      # sww-like 1-D kernel
    dict(in_shape=(1, 11, 11, 4), dil=(2, 2)),
    dict(in_shape=(2, 6, 6, 3), mult=2),
    dict(in_q=(1e-3, 0), out_q=(0.2, 0), w_range=(1e-4, 1e-3)),
    dict(in_q=(0.5, 100), out_q=(1e-3, -100), w_range=(0.05, 0.1)),
    dict(in_shape=(1, 10, 10, 4), stride=(2, 2), padding="VALID", pad_first=((1, 1), (1, 1))),
], ids=["per_tensor", "k10x1", "dilation", "batch2", "tiny_scales", "huge_scales", "padfold"])
def test_cases(tflm_check, case):
    tflm_check(dw_model(**case))
