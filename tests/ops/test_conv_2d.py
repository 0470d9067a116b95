"""CONV_2D against TFLM: kernel 1/3/5/7, stride 1/2, SAME/VALID, dilation, groups, odd channel
counts, per-tensor and per-channel, every fused activation, extreme scales, folded PAD."""
from __future__ import annotations

import itertools

import pytest

from tests.helpers.sweeps import conv_model

GEOMETRY = [dict(k=(k, k), stride=(s, s), padding=p)
            for k, s, p in itertools.product((1, 3, 5, 7), (1, 2), ("SAME", "VALID"))]


@pytest.mark.parametrize("geo", GEOMETRY, ids=lambda g: f"k{g['k'][0]}s{g['stride'][0]}{g['padding']}")
def test_geometry(tflm_check, geo):
    tflm_check(conv_model(**geo))


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("per_channel", [True, False])
def test_activation_and_quantization(tflm_check, act, per_channel):
    tflm_check(conv_model(act=act, per_channel=per_channel, out_q=(0.02, 5)))


@pytest.mark.parametrize("case", [
    dict(in_shape=(1, 7, 11, 1), oc=3, k=(3, 5)),                  # non-square, 1 channel
    dict(in_shape=(1, 10, 4, 1), oc=7, k=(10, 4), stride=(2, 2)),  # kws-like first layer
    dict(in_shape=(1, 9, 9, 6), oc=9, dil=(2, 2)),                 # dilation
    dict(in_shape=(1, 9, 9, 6), oc=4, dil=(2, 3), padding="VALID"),
    dict(in_shape=(1, 6, 6, 8), oc=6, groups=2),                    # grouped conv
    dict(in_shape=(2, 5, 5, 3), oc=4),                              # batch 2
    dict(in_shape=(1, 5, 5, 3), oc=4, bias=False),
    dict(in_shape=(1, 12, 12, 3), oc=4, k=(3, 3), stride=(2, 2), padding="VALID",
         pad_first=((1, 1), (1, 1))),                              # explicit PAD folded in
    dict(in_shape=(1, 8, 8, 3), oc=4, k=(3, 3), stride=(2, 2), padding="VALID",
         pad_first=((0, 1), (0, 1))),                              # asymmetric PAD (TF "SAME" s2)
], ids=["nonsquare", "kws_first", "dilation2", "dilation23_valid", "groups", "batch2",
        "nobias", "padfold", "padfold_asym"])
def test_shapes(tflm_check, case):
    tflm_check(conv_model(**case))


@pytest.mark.parametrize("scales", [
    dict(in_q=(1e-3, 0), out_q=(1e-1, 0), w_range=(1e-4, 1e-3)),   # tiny multipliers
    dict(in_q=(0.5, 10), out_q=(1e-3, -5), w_range=(0.05, 0.1)),   # multipliers > 1 (left shift)
    dict(in_q=(0.02, -128), out_q=(0.05, 127)),                     # extreme zero points
])
def test_extreme_scales(tflm_check, scales):
    tflm_check(conv_model(**scales))


def test_pad_is_folded_not_materialized():
    from tinyengine_pio import compile_model
    cm = compile_model(conv_model(in_shape=(1, 12, 12, 3), k=(3, 3), stride=(2, 2), padding="VALID",
                                  pad_first=((1, 1), (1, 1))))
    assert [op.kind for op in cm.graph.operators] == ["CONV_2D"]
    assert "pad.c" not in cm.files
