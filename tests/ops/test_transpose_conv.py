"""TRANSPOSE_CONV (ops/transpose_conv.py) against TFLM: strides 1 and 2, SAME and VALID, kernels
2x2 / 3x3 / 4x4, with and without bias, per-channel and per-tensor, several channels, batch 2,
Keras' output_padding (the larger consistent output sizes), extreme scales; and the malformed cases."""
from __future__ import annotations

import itertools

import pytest

from tests.helpers import opmodels

GEOMETRY = [dict(kernel=(k, k), stride=(s, s), padding=p)
            for k, s, p in itertools.product((2, 3, 4), (1, 2), ("SAME", "VALID"))]


@pytest.mark.parametrize("geo", GEOMETRY,
                         ids=lambda g: f"k{g['kernel'][0]}s{g['stride'][0]}{g['padding']}")
def test_geometry(tflm_check, geo):
    cm = tflm_check(opmodels.transpose_conv(**geo))
    assert [op.kind for op in cm.graph.operators] == ["TRANSPOSE_CONV"]


@pytest.mark.parametrize("case", [
    dict(bias=False),
    dict(per_channel=False),
    dict(bias=False, per_channel=False, padding="VALID"),
    dict(in_shape=(1, 5, 3, 1), out_channels=1, kernel=(3, 2), stride=(2, 1), per_channel=False),
    dict(in_shape=(1, 3, 4, 7), out_channels=5, kernel=(4, 3), stride=(2, 3), padding="VALID"),
    dict(in_shape=(2, 3, 3, 4), out_channels=6),
    dict(in_shape=(1, 4, 4, 8), out_channels=16, kernel=(4, 4), stride=(2, 2)),
    dict(in_shape=(1, 3, 3, 2), kernel=(3, 3), stride=(2, 2), out_hw=(5, 5)),   # SAME, odd
    dict(in_shape=(1, 3, 3, 2), kernel=(3, 3), stride=(2, 2), padding="VALID",
         out_hw=(8, 8)),                                        # VALID + output_padding 1
    dict(in_shape=(1, 2, 2, 3), kernel=(1, 1), stride=(3, 3), padding="VALID",
         out_hw=(6, 6)),                                        # stride > kernel: gaps
], ids=["nobias", "per_tensor", "nobias_pt_valid", "nonsquare_1ch", "nonsquare_valid",
        "batch2", "wide", "same_odd", "valid_outpad", "gaps"])
def test_shapes(tflm_check, case):
    tflm_check(opmodels.transpose_conv(**case))


@pytest.mark.parametrize("scales", [
    dict(in_q=(1e-3, 0), out_q=(1e-1, 0), w_range=(1e-4, 1e-3)),    # tiny multipliers
    dict(in_q=(0.5, 10), out_q=(1e-3, -5), w_range=(0.05, 0.1)),    # saturating, left shifts
    dict(in_q=(0.02, -128), out_q=(0.05, 127)),                      # extreme zero points
    dict(in_q=(0.02, 127), out_q=(0.01, -128)),
])
def test_extreme_scales(tflm_check, scales):
    tflm_check(opmodels.transpose_conv(**scales))


def test_scratch_is_one_batch_of_int32():
    from tinyengine_pio import compile_model
    cm = compile_model(opmodels.transpose_conv(in_shape=(2, 3, 3, 4), out_channels=6))
    (op,) = cm.graph.operators
    assert op.memory.scratch == 4 * 6 * 6 * 6


def _malformed(match, **kw):
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError
    with pytest.raises(MalformedModelError, match=match):
        compile_model(opmodels.transpose_conv(**kw))


def test_inconsistent_output_size():
    _malformed(r"operator #0 TRANSPOSE_CONV: output height 9 is inconsistent with input height "
               r"4, filter 3, stride 2 and SAME padding", out_hw=(9, 8))
    _malformed(r"output width 6 is inconsistent", padding="VALID", out_hw=(9, 6))


def test_output_shape_must_match_the_output():
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError
    mb = ModelBuilder()
    x = mb.tensor((1, 2, 2, 1), "int8", scale=0.1, zero_point=0, name="x")
    shape = mb.int32([1, 4, 4, 2], name="output_shape")
    W = mb.const(opmodels.np.ones((1, 2, 2, 1), opmodels.np.int8), scale=0.01, zero_point=0)
    y = mb.tensor((1, 4, 4, 1), "int8", scale=0.1, zero_point=0, name="y")
    mb.op("TRANSPOSE_CONV", [shape, W, x], [y], dict(padding="SAME", stride_h=2, stride_w=2))
    with pytest.raises(MalformedModelError, match=r"output 0 'y' has shape \[1, 4, 4, 1\], but "
                                                  r"the operator computes \[1, 4, 4, 2\]"):
        compile_model(mb.build([x], [y]))


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_fused_activation(tflm_check, act):
    tflm_check(opmodels.transpose_conv(activation=act, out_q=(0.02, 5)))


def test_folds_a_following_relu(tflm_check):
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor((1, 3, 3, 2), "int8", scale=0.05, zero_point=-3, name="x")
    shape = mb.int32([1, 6, 6, 3], name="output_shape")
    w = opmodels.np.random.default_rng(1).integers(-127, 128, (3, 3, 3, 2)).astype("int8")
    W = mb.const(w, scale=[0.002, 0.003, 0.004], zero_point=0, quant_dim=0, name="w")
    t = mb.tensor((1, 6, 6, 3), "int8", scale=0.02, zero_point=5, name="t")
    y = mb.tensor((1, 6, 6, 3), "int8", scale=0.02, zero_point=5, name="y")
    mb.op("TRANSPOSE_CONV", [shape, W, x], [t], dict(padding="SAME", stride_h=2, stride_w=2))
    mb.op("RELU", [t], [y])
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["TRANSPOSE_CONV"]


def test_refuses_a_possible_accumulator_overflow():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match=r"operator #0 TRANSPOSE_CONV: 65808 products per "
                                               r"output"):
        compile_model(opmodels.transpose_conv(in_shape=(1, 1, 1, 4113), out_channels=1,
                                              kernel=(4, 4), stride=(1, 1), per_channel=False))


# --- float32 (ops/float32/transpose_conv.py) --------------------------------------------------
# reference_ops::TransposeConv's scatter order, gathered per output: bit-equal

F32_GEOMETRY = [dict(k=(k, k), stride=(s, s), padding=p)
                for k, s, p in itertools.product((1, 2, 3, 4, 5), (1, 2, 3), ("SAME", "VALID"))]


@pytest.mark.parametrize("geo", F32_GEOMETRY,
                         ids=lambda g: f"k{g['k'][0]}s{g['stride'][0]}{g['padding']}")
def test_float32_geometry(tflm_check, geo):
    from tests.helpers.float_windows import check_exact, transpose_conv_model
    check_exact(tflm_check, transpose_conv_model((1, 4, 3, 3), 4, **geo), (1, 4, 3, 3))


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("bias", [True, False, None], ids=["bias", "nobias", "bias-1"])
def test_float32_activation_and_bias(tflm_check, act, bias):
    from tests.helpers.float_windows import check_exact, transpose_conv_model
    check_exact(tflm_check, transpose_conv_model((1, 3, 3, 2), 3, act=act, bias=bias),
                (1, 3, 3, 2))


@pytest.mark.parametrize("case", [
    dict(in_shape=(1, 5, 3, 1), oc=1, k=(3, 2), stride=(2, 1)),
    dict(in_shape=(1, 3, 4, 7), oc=5, k=(4, 3), stride=(2, 3), padding="VALID"),
    dict(in_shape=(2, 3, 3, 4), oc=6),                                     # batch 2
    dict(in_shape=(3, 2, 3, 2), oc=3, k=(2, 2), stride=(2, 2), bias=False),  # batch 3
    dict(in_shape=(1, 4, 4, 16), oc=8, k=(4, 4), stride=(2, 2)),
    dict(in_shape=(1, 3, 3, 2), k=(3, 3), stride=(2, 2), out_hw=(5, 5)),   # SAME, odd
    dict(in_shape=(1, 3, 3, 2), k=(3, 3), stride=(2, 2), padding="VALID",
         out_hw=(8, 8)),                                                    # output_padding 1
    dict(in_shape=(1, 2, 2, 3), k=(1, 1), stride=(3, 3), padding="VALID",
         out_hw=(6, 6)),                                                    # gaps: bias only
    dict(in_shape=(1, 2, 2, 3), k=(2, 2), stride=(3, 3), padding="SAME", bias=False),
    dict(in_shape=(1, 1, 1, 5), oc=3, k=(3, 3), stride=(1, 1)),            # 1x1 input
], ids=["nonsquare_1ch", "nonsquare_valid", "batch2", "batch3", "wide", "same_odd",
        "valid_outpad", "gaps", "gaps_nobias", "1x1_in"])
def test_float32_shapes(tflm_check, case):
    from tests.helpers.float_windows import check_exact, transpose_conv_model
    check_exact(tflm_check, transpose_conv_model(**case), case["in_shape"])


def test_float32_extreme_values(tflm_check):
    from tests.helpers.float_windows import check_exact, transpose_conv_model
    check_exact(tflm_check, transpose_conv_model((1, 3, 3, 4), 2, k=(3, 3), stride=(1, 1)),
                (1, 3, 3, 4), extreme=True)


def test_float32_needs_no_scratch():
    from tests.helpers.float_windows import transpose_conv_model
    from tinyengine_pio import compile_model
    (op,) = compile_model(transpose_conv_model((2, 3, 3, 4), 6)).graph.operators
    assert op.dtype == "float32" and op.memory.scratch == 0


def test_float32_refuses_a_hybrid_filter():
    """A float input with int8 weights: TFLM's Prepare fails ("Hybrid models are not
    supported on TFLite Micro")."""
    import numpy as np

    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([1, 2, 2, 2], "float32")
    w = mb.const(np.ones((3, 3, 3, 2), np.int8), scale=0.1, zero_point=0)
    y = mb.tensor([1, 4, 4, 3], "float32")
    mb.op("TRANSPOSE_CONV", [mb.int32([1, 4, 4, 3]), w, x], [y],
          dict(padding="SAME", stride_h=2, stride_w=2))
    with pytest.raises((UnsupportedError, MalformedModelError),
                       match=r"operator #0 TRANSPOSE_CONV"):
        compile_model(mb.build([x], [y]))


# --- int16x8 (ops/int16/transpose_conv.py) ---------------------------------------------------

def _check16(tflm_check, **kw):
    from tests.helpers.int16models import int16_sets, tconv16_model
    data = tconv16_model(**kw)
    cm = tflm_check(data, int16_sets(data))
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("geo", GEOMETRY,
                         ids=lambda g: f"k{g['kernel'][0]}s{g['stride'][0]}{g['padding']}")
def test_int16_geometry(tflm_check, geo):
    _check16(tflm_check, **geo)


@pytest.mark.parametrize("case", [
    dict(bias=None), dict(bias="int16"), dict(per_channel=False),
    dict(bias=None, per_channel=False, padding="VALID"),
    dict(in_shape=(1, 5, 3, 1), out_channels=1, kernel=(3, 2), stride=(2, 1)),
    dict(in_shape=(1, 3, 4, 7), out_channels=5, kernel=(4, 3), stride=(2, 3), padding="VALID"),
    dict(in_shape=(2, 3, 3, 4), out_channels=6),
    dict(in_shape=(1, 3, 3, 2), kernel=(3, 3), stride=(2, 2), out_hw=(5, 5)),
    dict(in_shape=(1, 3, 3, 2), kernel=(3, 3), stride=(2, 2), padding="VALID", out_hw=(8, 8)),
    dict(in_shape=(1, 2, 2, 3), kernel=(1, 1), stride=(3, 3), padding="VALID", out_hw=(6, 6)),
    dict(in_s=1e-5, out_s=1.0, w_range=(1e-4, 2e-4), bias_mag=1 << 40),
    dict(in_s=1.0, out_s=1e-3, w_range=(0.1, 0.12)),                     # left shift 7
    dict(act="RELU6", out_s=3e-4), dict(act="RELU_N1_TO_1", out_s=3e-4),
], ids=["nobias", "int16_bias", "per_tensor", "nobias_pt_valid", "nonsquare_1ch",
        "nonsquare_valid", "batch2", "same_odd", "valid_outpad", "gaps", "tiny_scales",
        "shift7", "relu6", "relu_n1_to_1"])
def test_int16_shapes_and_quantization(tflm_check, case):
    _check16(tflm_check, **case)


def test_int16_refusals():
    from tests.helpers.int16models import tconv16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    with pytest.raises(UnsupportedError, match="bias is int32"):
        compile_model(tconv16_model(bias="int32"))
    with pytest.raises(MalformedModelError, match="left shift of 11 bits.*at most 7"):
        compile_model(tconv16_model(in_s=1.0, out_s=1e-3, w_range=(1.0, 1.2)))
