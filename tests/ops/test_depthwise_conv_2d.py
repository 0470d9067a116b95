"""DEPTHWISE_CONV_2D against TFLM: depth multiplier 1/2/8, kernel 3/5/7 and non-square,
stride 1/2, SAME/VALID, dilation, per-channel and per-tensor, activations, extreme scales."""
from __future__ import annotations

import itertools

import pytest

from tests.helpers.sweeps import dw_model


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
