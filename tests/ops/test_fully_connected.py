"""FULLY_CONNECTED against TFLM: per-tensor and per-channel, with and without bias (the multiplier
is computed differently), batches, keep_num_dims, activations, extreme scales."""
from __future__ import annotations

import numpy as np
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


# --- int16x8 (ops/int16/fully_connected.py) --------------------------------------------------

def _check16(tflm_check, data):
    from tests.helpers.int16models import int16_sets
    cm = tflm_check(data, int16_sets(data))
    assert {op.dtype for op in cm.graph.operators} == {"int16"}
    return cm


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("bias,bias_type", [("int64", None), ("int32", None), (None, None),
                                            (None, "INT32")],
                         ids=["int64", "int32", "none", "none_acc32"])
def test_int16_quantization_modes(tflm_check, per_channel, bias, bias_type):
    """int64 bias and accumulator, or TFLM's int32 path (int32 bias, or none with
    quantized_bias_type INT32): the two requantize differently."""
    from tests.helpers.int16models import fc16_model
    _check16(tflm_check, fc16_model(per_channel=per_channel, bias=bias, bias_type=bias_type,
                                    bias_mag=1 << 20 if bias == "int64" else 5000))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("out_q", [(0.02, 0), (2e-4, 0), (0.05, 7)], ids=["0.02", "2e-4", "zp7"])
def test_int16_activations(tflm_check, act, out_q):
    from tests.helpers.int16models import fc16_model
    _check16(tflm_check, fc16_model(act=act, per_channel=True, out_q=out_q, seed=1))


@pytest.mark.parametrize("case", [
    dict(in_shape=(3, 20), units=5),
    dict(in_shape=(1, 2, 3, 8), units=4, keep_num_dims=True),
    dict(in_shape=(2, 2, 6), units=3),
    dict(in_shape=(1, 1), units=1),
    dict(in_shape=(1, 640), units=64, per_channel=True),
    dict(in_q=(1e-5, 0), out_q=(1.0, 0), w_range=(1e-4, 2e-4), bias_mag=1 << 40),
    dict(in_q=(1.0, 0), out_q=(1e-3, 0), w_range=(0.1, 0.12)),        # left shift 7
    dict(in_q=(0.01, 0), out_q=(0.02, 0), w_range=(0.002, 0.01), bias_mag=1 << 46, seed=4),
    dict(in_q=(0.01, 5), out_q=(0.02, -3), per_channel=True),         # TFLM applies offsets
    dict(in_q=(0.01, -32768), out_q=(0.5, 32767), bias="int32", bias_mag=100),
    dict(in_q=(1.0, 0), out_q=(1e-3, 0), w_range=(2.0, 2.5), bias="int32", bias_mag=100),
], ids=["batch3", "keep_num_dims", "3d", "scalar", "wide", "tiny_scales", "shift7",
        "bias2e46", "zero_points", "extreme_zero_points_acc32", "acc32_shift11"])
def test_int16_shapes_and_scales(tflm_check, case):
    from tests.helpers.int16models import fc16_model
    _check16(tflm_check, fc16_model(**case))


def test_int16_refusals():
    from tests.helpers.int16models import fc16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    with pytest.raises(MalformedModelError, match="left shift of 11 bits.*at most 7"):
        compile_model(fc16_model(in_q=(1.0, 0), out_q=(1e-3, 0), w_range=(1.0, 1.2)))
    with pytest.raises(UnsupportedError, match="int32 accumulator"):
        compile_model(fc16_model(in_shape=(1, 600), units=2, bias="int32", bias_mag=10))
    with pytest.raises(UnsupportedError, match="int64 requantization"):
        compile_model(fc16_model(bias_mag=1 << 49, seed=3))
    with pytest.raises(UnsupportedError, match="is int16, expected int8"):   # int16 in, int8 out
        from tests.helpers.builder import ModelBuilder
        mb = ModelBuilder()
        x = mb.tensor((1, 4), "int16", scale=0.01, zero_point=0)
        w = mb.const(np.ones((2, 4), np.int8), scale=0.01, zero_point=0)
        y = mb.tensor((1, 2), "int8", scale=0.1, zero_point=0)
        mb.op("FULLY_CONNECTED", [x, w], [y])
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/fully_connected.py) ------------------------------------------------

def _fc_f32(in_shape, units, bias=True, act="NONE", keep_num_dims=False, seed=0,
            const_weights=True, scale=1.0):
    from tests.helpers.builder import ModelBuilder
    rng = np.random.default_rng(seed)
    depth = in_shape[-1]
    batches = int(np.prod(in_shape)) // depth
    mb = ModelBuilder()
    x = mb.tensor(list(in_shape), "float32")
    w_arr = (rng.standard_normal((units, depth)) * scale / np.sqrt(depth)).astype(np.float32)
    w = mb.const(w_arr) if const_weights else mb.tensor([units, depth], "float32")
    b = mb.const(rng.standard_normal(units).astype(np.float32)) if bias else None
    out_shape = list(in_shape[:-1]) + [units] if keep_num_dims else [batches, units]
    y = mb.tensor(out_shape, "float32")
    mb.op("FULLY_CONNECTED", [x, w, b], [y], {"fused_activation_function": act,
                                               "keep_num_dims": keep_num_dims})
    return mb.build([x] if const_weights else [x, w], [y])


@pytest.mark.parametrize("in_shape,units", [((1, 1), 1), ((1, 16), 7), ((3, 40), 11),
                                            ((2, 3, 24), 5), ((1, 257), 3), ((4, 1), 9)])
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float32_bit_equal(tflm_check, in_shape, units, act):
    """TFLM's reference order (products from 0.0f in depth order, + bias, clamp): bit for bit."""
    from tests.helpers.sweeps import float_sets
    cm = tflm_check(_fc_f32(in_shape, units, act=act), float_sets([in_shape]), float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


@pytest.mark.parametrize("case", [dict(bias=False), dict(keep_num_dims=True, in_shape=(2, 3, 8)),
                                  dict(scale=1e30), dict(scale=1e-30)],
                         ids=["no_bias", "keep_num_dims", "overflow_to_inf", "underflow"])
def test_float32_options_and_extremes(tflm_check, case):
    from tests.helpers.sweeps import float_sets
    in_shape = case.pop("in_shape", (2, 16))
    tflm_check(_fc_f32(in_shape, 6, **case), float_sets([in_shape]), float_exact=True)


def test_float32_computed_weights(tflm_check):
    """Weights from another input (TFLM reads them as they come): still TFLM's order."""
    from tests.helpers.sweeps import float_sets
    tflm_check(_fc_f32((2, 12), 5, const_weights=False), float_sets([(2, 12), (5, 12)]),
               float_exact=True)


def test_float32_int8_weights_are_refused():
    """Hybrid models (float activations, int8 weights): TFLM Micro does not run them either."""
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "float32")
    w = mb.const(np.ones((2, 4), np.int8), scale=0.01, zero_point=0)
    y = mb.tensor([1, 2], "float32")
    mb.op("FULLY_CONNECTED", [x, w], [y])
    with pytest.raises(UnsupportedError, match="TFLM"):
        compile_model(mb.build([x], [y]))
