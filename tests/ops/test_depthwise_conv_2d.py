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


# --- int16x8 (ops/int16/depthwise_conv_2d.py) ------------------------------------------------

def _check16(tflm_check, data):
    from tests.helpers.int16models import int16_sets
    cm = tflm_check(data, int16_sets(data))
    assert {op.dtype for op in cm.graph.operators} == {"int16"}


@pytest.mark.parametrize("k,s,p", list(itertools.product((3, 5), (1, 2), ("SAME", "VALID"))))
def test_int16_geometry(tflm_check, k, s, p):
    from tests.helpers.int16models import dw16_model
    _check16(tflm_check, dw16_model(in_shape=(1, 9, 8, 5), k=(k, k), stride=(s, s), padding=p))


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("bias", ["int64", None])
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_int16_quantization_modes(tflm_check, per_channel, bias, act):
    from tests.helpers.int16models import dw16_model
    _check16(tflm_check, dw16_model(per_channel=per_channel, bias=bias, act=act,
                                    out_s=0.02 if act == "NONE" else 3e-4, seed=1))


@pytest.mark.parametrize("case", [
    dict(mult=2),
    dict(in_shape=(1, 6, 6, 2), mult=8, k=(3, 2)),
    dict(in_shape=(1, 1, 1, 4), mult=3, k=(1, 1), padding="VALID"),
    dict(in_shape=(2, 7, 6, 3), stride=(2, 1)),
    dict(in_shape=(1, 10, 10, 4), dilation=(2, 2)),
    dict(in_shape=(1, 11, 9, 3), dilation=(3, 2), padding="VALID", stride=(2, 2)),
    dict(in_shape=(1, 7, 7, 3), k=(7, 7), padding="VALID"),
    dict(in_s=1e-5, out_s=1.0, w_range=(1e-4, 2e-4), bias_mag=1 << 40),
    dict(in_s=1.0, out_s=1e-3, w_range=(0.1, 0.12)),                    # left shift 7
    dict(bias_mag=1 << 46, seed=5),
], ids=["mult2", "mult8", "single_pixel", "batch2", "dilated", "dilated_strided_valid",
        "7x7_whole", "tiny_scales", "shift7", "bias2e46"])
def test_int16_shapes_and_scales(tflm_check, case):
    from tests.helpers.int16models import dw16_model
    _check16(tflm_check, dw16_model(**case))


def test_int16_refusals():
    """An int32 bias: TFLM's int16 depthwise reads it as int64 whatever its type."""
    from tests.helpers.int16models import dw16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    with pytest.raises(UnsupportedError, match="bias is int32.*expected int64"):
        compile_model(dw16_model(bias="int32"))
    with pytest.raises(MalformedModelError, match="left shift of 11 bits.*at most 7"):
        compile_model(dw16_model(in_s=1.0, out_s=1e-3, w_range=(1.0, 1.2)))
    with pytest.raises(UnsupportedError, match="int64 requantization"):
        compile_model(dw16_model(bias_mag=1 << 49))


# --- float32 (ops/float32/depthwise_conv_2d.py) -----------------------------------------------
# reference_ops::DepthwiseConv's order (filter_y, filter_x from 0.0f, + bias, clamp): bit-equal

@pytest.mark.parametrize("k,s,p", list(itertools.product((1, 2, 3, 5), (1, 2, 3),
                                                         ("SAME", "VALID"))))
def test_float32_geometry(tflm_check, k, s, p):
    from tests.helpers.float_windows import check_exact, dw_model
    check_exact(tflm_check, dw_model((1, 9, 8, 3), k=(k, k), stride=(s, s), padding=p),
                (1, 9, 8, 3))


@pytest.mark.parametrize("mult,c", [(1, 5), (2, 3), (8, 1), (3, 2), (4, 1), (1, 17)])
def test_float32_depth_multiplier(tflm_check, mult, c):
    from tests.helpers.float_windows import check_exact, dw_model
    check_exact(tflm_check, dw_model((1, 7, 6, c), mult=mult), (1, 7, 6, c))


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("bias", [True, False])
def test_float32_activation_and_bias(tflm_check, act, bias):
    from tests.helpers.float_windows import check_exact, dw_model
    check_exact(tflm_check, dw_model((1, 6, 6, 4), mult=2, act=act, bias=bias), (1, 6, 6, 4))


@pytest.mark.parametrize("case", [
    dict(in_shape=(1, 30, 1, 8), k=(10, 1)),                       # sww-like 1-D kernel
    dict(in_shape=(1, 11, 11, 4), dil=(2, 2)),
    dict(in_shape=(1, 9, 10, 3), k=(3, 2), stride=(2, 1), dil=(1, 3), mult=2),
    dict(in_shape=(1, 9, 9, 2), dil=(3, 2), padding="VALID"),
    dict(in_shape=(2, 6, 6, 3), mult=2),                             # batch 2
    dict(in_shape=(3, 5, 4, 2), stride=(2, 2), bias=False),          # batch 3
    dict(in_shape=(1, 1, 1, 6), k=(3, 3)),                           # 1x1 input, SAME
    dict(in_shape=(1, 3, 3, 4), padding="VALID", mult=3),            # 1x1 output
], ids=["k10x1", "dilation", "dilation_mixed", "dilation_valid", "batch2", "batch3", "1x1_in",
        "1x1_out"])
def test_float32_shapes(tflm_check, case):
    from tests.helpers.float_windows import check_exact, dw_model
    check_exact(tflm_check, dw_model(**case), case["in_shape"])


def test_float32_extreme_values(tflm_check):
    from tests.helpers.float_windows import check_exact, dw_model
    check_exact(tflm_check, dw_model((1, 5, 5, 3), mult=2, act="RELU"), (1, 5, 5, 3),
                extreme=True)


def test_float32_single_channel_stays_depthwise(tflm_check):
    """depthwise_as_conv rewrites only int8 one-channel depthwise convolutions."""
    from tests.helpers.float_windows import check_exact, dw_model
    cm = check_exact(tflm_check, dw_model((1, 8, 8, 1), mult=4), (1, 8, 8, 1))
    assert [op.kind for op in cm.graph.operators] == ["DEPTHWISE_CONV_2D"]


def test_float32_refuses_a_depth_multiplier_option_that_differs():
    """TFLM's float kernel loops over the option's depth_multiplier: with 0 (or a wrong value) it
    writes no output (or reads past the filter)."""
    from tests.helpers.float_windows import dw_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    for bad in (0, 1):
        with pytest.raises(UnsupportedError, match=rf"operator #0 DEPTHWISE_CONV_2D: "
                                                   rf"depth_multiplier {bad} differs"):
            compile_model(dw_model((1, 5, 5, 2), mult=2, option_mult=bad))
