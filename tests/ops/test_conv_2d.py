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


# --- int16x8 (ops/int16/conv_2d.py) ----------------------------------------------------------

def _check16(tflm_check, data):
    from tests.helpers.int16models import int16_sets
    cm = tflm_check(data, int16_sets(data))
    assert {op.dtype for op in cm.graph.operators} == {"int16"}


@pytest.mark.parametrize("geo", [dict(k=(k, k), stride=(s, s), padding=p)
                                 for k, s, p in itertools.product((1, 3, 5), (1, 2),
                                                                  ("SAME", "VALID"))],
                         ids=lambda g: f"k{g['k'][0]}s{g['stride'][0]}{g['padding']}")
def test_int16_geometry(tflm_check, geo):
    from tests.helpers.int16models import conv16_model
    _check16(tflm_check, conv16_model(in_shape=(1, 9, 8, 3), **geo))


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("bias,bias_type", [("int64", None), ("int32", None), (None, None),
                                            (None, "INT32")],
                         ids=["int64", "int32", "none", "none_acc32"])
def test_int16_quantization_modes(tflm_check, per_channel, bias, bias_type):
    """int64 accumulator, or TFLM's int32 one (int32 bias, or none with quantized_bias_type
    INT32), each with its own requantization."""
    from tests.helpers.int16models import conv16_model
    _check16(tflm_check, conv16_model(per_channel=per_channel, bias=bias, bias_type=bias_type,
                                      bias_mag=1 << 20 if bias == "int64" else 5000, seed=2))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_int16_activations(tflm_check, act):
    from tests.helpers.int16models import conv16_model
    _check16(tflm_check, conv16_model(act=act, out_s=3e-4, seed=3))


@pytest.mark.parametrize("case", [
    dict(in_shape=(1, 10, 10, 2), dilation=(2, 2)),
    dict(in_shape=(1, 11, 9, 4), dilation=(3, 2), stride=(2, 1), padding="VALID"),
    dict(in_shape=(2, 6, 7, 3), oc=4, stride=(1, 2)),
    dict(in_shape=(1, 7, 7, 8), oc=6, groups=2),
    dict(in_shape=(1, 6, 6, 6), oc=6, groups=6, k=(3, 2)),
    dict(in_shape=(1, 5, 5, 17), oc=9, k=(1, 1)),
    dict(in_shape=(1, 1, 1, 64), oc=3, k=(1, 1), padding="VALID"),
    dict(in_shape=(1, 4, 4, 33), oc=7, k=(4, 4), padding="VALID"),
    dict(in_s=1e-5, out_s=1.0, w_range=(1e-4, 2e-4), bias_mag=1 << 40),
    dict(in_s=1.0, out_s=1e-3, w_range=(0.1, 0.12)),                    # left shift 7
    dict(in_s=1.0, out_s=1e-3, w_range=(2.0, 2.5), bias="int32", bias_mag=100),  # int32: 11
    dict(bias_mag=1 << 46, seed=5),
], ids=["dilated", "dilated_strided_valid", "batch2", "groups2", "groups6", "1x1_odd",
        "1x1_single_pixel", "4x4_whole", "tiny_scales", "shift7", "acc32_shift11",
        "bias2e46"])
def test_int16_shapes_and_scales(tflm_check, case):
    from tests.helpers.int16models import conv16_model
    _check16(tflm_check, conv16_model(**case))


def test_int16_refusals():
    from tests.helpers.int16models import conv16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    with pytest.raises(MalformedModelError, match="left shift of 11 bits.*at most 7"):
        compile_model(conv16_model(in_s=1.0, out_s=1e-3, w_range=(1.0, 1.2)))
    with pytest.raises(UnsupportedError, match="output zero point is 5"):
        compile_model(conv16_model(out_zp=5))
    with pytest.raises(UnsupportedError, match="int32 accumulator"):
        compile_model(conv16_model(in_shape=(1, 5, 5, 64), k=(3, 3), bias="int32"))
    with pytest.raises(UnsupportedError, match="int64 requantization"):
        compile_model(conv16_model(bias_mag=1 << 49))


# --- float32 (ops/float32/conv_2d.py) ---------------------------------------------------------
# reference_ops::Conv's order (filter_y, filter_x, in_channel from 0.0f, + bias, clamp): bit-equal

F32_GEOMETRY = [dict(k=(k, k), stride=(s, s), padding=p)
                for k, s, p in itertools.product((1, 2, 3, 5), (1, 2, 3), ("SAME", "VALID"))]


@pytest.mark.parametrize("geo", F32_GEOMETRY,
                         ids=lambda g: f"k{g['k'][0]}s{g['stride'][0]}{g['padding']}")
def test_float32_geometry(tflm_check, geo):
    from tests.helpers.float_windows import check_exact, conv_model
    check_exact(tflm_check, conv_model((1, 9, 8, 3), 5, **geo), (1, 9, 8, 3))


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("bias", [True, False, None], ids=["bias", "nobias", "bias-1"])
def test_float32_activation_and_bias(tflm_check, act, bias):
    from tests.helpers.float_windows import check_exact, conv_model
    check_exact(tflm_check, conv_model((1, 6, 6, 4), 3, act=act, bias=bias), (1, 6, 6, 4))


@pytest.mark.parametrize("case", [
    dict(in_shape=(1, 7, 11, 1), oc=3, k=(3, 5)),                       # non-square, 1 channel
    dict(in_shape=(1, 10, 4, 1), oc=7, k=(10, 4), stride=(2, 2)),       # kws-like first layer
    dict(in_shape=(1, 9, 9, 6), oc=9, dil=(2, 2)),                      # dilation
    dict(in_shape=(1, 9, 9, 6), oc=4, dil=(2, 3), padding="VALID"),
    dict(in_shape=(1, 8, 7, 5), oc=3, k=(3, 2), stride=(2, 1), dil=(1, 3)),
    dict(in_shape=(1, 6, 6, 8), oc=6, groups=2),                         # grouped conv
    dict(in_shape=(1, 5, 5, 6), oc=6, groups=6, k=(3, 3), stride=(2, 2)),  # one channel a group
    dict(in_shape=(1, 5, 5, 9), oc=6, groups=3, bias=False, padding="VALID"),
    dict(in_shape=(3, 5, 4, 3), oc=4, stride=(2, 2)),                    # batch 3
    dict(in_shape=(2, 4, 4, 16), oc=8, k=(1, 1)),                        # pointwise, batch 2
    dict(in_shape=(1, 4, 4, 33), oc=17, k=(2, 2), padding="VALID"),      # odd wide channels
    dict(in_shape=(1, 1, 1, 8), oc=4, k=(3, 3)),                         # 1x1 input, SAME
    dict(in_shape=(1, 3, 3, 2), oc=2, k=(3, 3), padding="VALID"),        # 1x1 output
], ids=["nonsquare", "kws_first", "dilation2", "dilation23_valid", "dilation_mixed", "groups2",
        "groups6", "groups3_nobias", "batch3", "pointwise_batch2", "wide", "1x1_in", "1x1_out"])
def test_float32_shapes(tflm_check, case):
    from tests.helpers.float_windows import check_exact, conv_model
    check_exact(tflm_check, conv_model(**case), case["in_shape"])


def test_float32_extreme_values(tflm_check):
    """inf, NaN, FLT_MAX and subnormals in the input: overflow, inf - inf and NaN as TFLM."""
    from tests.helpers.float_windows import check_exact, conv_model
    for act in ("NONE", "RELU6"):
        check_exact(tflm_check, conv_model((1, 5, 5, 3), 4, act=act), (1, 5, 5, 3), extreme=True)


def test_float32_cnn(tflm_check):
    """CONV_2D -> DEPTHWISE_CONV_2D -> AVERAGE_POOL_2D -> MAX_POOL_2D -> FULLY_CONNECTED, all
    float32, bit-equal end to end."""
    from tests.helpers.float_windows import check_exact, cnn_model
    cm = check_exact(tflm_check, cnn_model(), (1, 12, 12, 3), extreme=True)
    assert [op.kind for op in cm.graph.operators] == [
        "CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D", "FULLY_CONNECTED"]
    assert "conv_2d_f32.c" in cm.files and "gemm.c" not in cm.files


def test_float32_refusals():
    """Groups that do not divide the output channels (TFLM reads past the input's channels); a
    fused TANH (TFLM ignores it for float); a float input with int8 weights (hybrid)."""
    import numpy as np

    from tests.helpers.builder import ModelBuilder
    from tests.helpers.float_windows import conv_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    with pytest.raises(UnsupportedError, match=r"operator #0 CONV_2D: 5 output channels do not "
                                               r"split into 2 groups"):
        compile_model(conv_model((1, 5, 5, 4), 5, groups=2))
    with pytest.raises(UnsupportedError, match=r"operator #0 CONV_2D: fused activation TANH"):
        compile_model(conv_model(act="TANH"))
    with pytest.raises(MalformedModelError, match=r"input channels 5 are not a multiple of the "
                                                  r"filter's 2"):
        compile_model(conv_model((1, 5, 5, 5), 4, groups=2))
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 2], "float32")
    w = mb.const(np.ones((3, 3, 3, 2), np.int8), scale=0.1, zero_point=0)
    y = mb.tensor([1, 4, 4, 3], "float32")
    mb.op("CONV_2D", [x, w], [y], dict(padding="SAME"))
    with pytest.raises((UnsupportedError, MalformedModelError), match=r"operator #0 CONV_2D"):
        compile_model(mb.build([x], [y]))


def test_int16_gemm_weights_within_their_budget(monkeypatch):
    """choose_w16: the 2x4 GEMM's int16 weights go to the ops with the most output pixels
    first (ties in graph order) while the extra flash stays within the budget; w16=False
    turns them off. Three four-column ops of 144 B packed weights each: 64, 16, 16 pixels."""
    import numpy as np

    from tests.helpers.builder import ModelBuilder
    from tests.kernels.test_kernels_dsp import _conv, _padded
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops import conv_2d
    rng = np.random.default_rng(0)
    mb = ModelBuilder()
    x = mb.tensor((1, 8, 8, 12), "int8", scale=0.05, zero_point=-3)
    c = _conv(mb, rng, _conv(mb, rng, _conv(mb, rng, x, 12), 12, stride=(2, 2)), 12)
    model = mb.build([x], [_padded(mb, c, 6)])

    def chosen(**kw):
        g = compile_model(model, emit=False, **kw).graph
        assert all(conv_2d.pointwise_fours(op) for op in g.operators[:3])
        return [op.w16 for op in g.operators]

    assert chosen() == [True, True, True, False]            # 432 B within the 4 KB floor
    monkeypatch.setattr(conv_2d, "W16_EXTRA_MAX", 300)
    assert chosen() == [True, True, False, False]
    monkeypatch.setattr(conv_2d, "W16_EXTRA_MAX", 150)
    assert chosen() == [True, False, False, False]
    monkeypatch.setattr(conv_2d, "W16_EXTRA_MAX", 100)
    assert chosen() == [False] * 4
    # past the MAX: the .tflite's non-weight bytes less W16_MARGIN
    from tinyengine_pio.compiler import _const_inputs
    g = compile_model(model, emit=False).graph
    overhead = len(model) - sum(g.t(i).nbytes for i in _const_inputs(g))
    monkeypatch.setattr(conv_2d, "W16_MARGIN", overhead - 300)
    assert chosen() == [True, True, False, False]
    monkeypatch.undo()
    assert chosen(w16=False) == [False] * 4
