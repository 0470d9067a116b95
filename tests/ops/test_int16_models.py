"""int16x8 graphs end to end against TFLM: chains of the int16 implementations (ops/int16/),
each operator asserted to run as int16, the arena planned over them (in-place element-wise
steps included), byte-exact on random, small, extreme and alternating inputs."""
from __future__ import annotations

import numpy as np

from tests.helpers.builder import ModelBuilder, random_conv_weights
from tests.helpers.int16models import bias64, int16_sets


def _conv(mb, rng, x, in_s, shape_in, oc, k, stride, out_s, act="NONE", padding="SAME"):
    n, h, w, c = shape_in
    wq, ws = random_conv_weights(rng, [oc, k, k, c], True, scale_range=(0.002, 0.01))
    bq, bs = bias64(rng, oc, in_s, ws, 1 << 16)
    oh, ow = -(-h // stride), -(-w // stride)
    y = mb.tensor([n, oh, ow, oc], "int16", scale=out_s, zero_point=0)
    mb.op("CONV_2D", [x, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                      mb.const(bq, scale=bs, zero_point=0)], [y],
          dict(padding=padding, stride_h=stride, stride_w=stride, fused_activation_function=act))
    return y, [n, oh, ow, oc]


def _dw(mb, rng, x, in_s, shape_in, k, stride, out_s, act="NONE"):
    n, h, w, c = shape_in
    wq, ws = random_conv_weights(rng, [1, k, k, c], True, quant_dim=3, scale_range=(0.01, 0.05))
    bq, bs = bias64(rng, c, in_s, ws, 1 << 16)
    oh, ow = -(-h // stride), -(-w // stride)
    y = mb.tensor([n, oh, ow, c], "int16", scale=out_s, zero_point=0)
    mb.op("DEPTHWISE_CONV_2D", [x, mb.const(wq, scale=ws, zero_point=0, quant_dim=3),
                                mb.const(bq, scale=bs, zero_point=0)], [y],
          dict(padding="SAME", stride_h=stride, stride_w=stride, depth_multiplier=1,
               fused_activation_function=act))
    return y, [n, oh, ow, c]


def _fc(mb, rng, x, in_s, depth, units, out_s, batches=1):
    wq, ws = random_conv_weights(rng, [units, depth], True, scale_range=(0.002, 0.01))
    bq, bs = bias64(rng, units, in_s, ws, 1 << 16)
    y = mb.tensor([batches, units], "int16", scale=out_s, zero_point=0)
    mb.op("FULLY_CONNECTED", [x, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                              mb.const(bq, scale=bs, zero_point=0)], [y])
    return y


def conv_dw_fc_softmax(seed=0) -> bytes:
    """CONV_2D (RELU6) -> DEPTHWISE_CONV_2D (stride 2, RELU) -> AVERAGE_POOL_2D ->
    FULLY_CONNECTED -> SOFTMAX, all int16x8."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    s_in = 1 / 4096
    x = mb.tensor([1, 12, 12, 3], "int16", scale=s_in, zero_point=0)
    c1, sh = _conv(mb, rng, x, s_in, [1, 12, 12, 3], 8, 3, 1, 2e-4, act="RELU6")
    d1, sh = _dw(mb, rng, c1, 2e-4, sh, 3, 2, 3e-4, act="RELU")
    p1 = mb.tensor([1, 3, 3, 8], "int16", scale=3e-4, zero_point=0)
    mb.op("AVERAGE_POOL_2D", [d1], [p1], dict(padding="VALID", stride_h=2, stride_w=2,
                                              filter_height=2, filter_width=2))
    f1 = _fc(mb, rng, p1, 3e-4, 72, 10, 1e-3)
    out = mb.tensor([1, 10], "int16", scale=1 / 32768, zero_point=0)
    mb.op("SOFTMAX", [f1], [out], dict(beta=1.0))
    return mb.build([x], [out])


def int8_edges_residual(seed=1) -> bytes:
    """int8 in -> QUANTIZE int16 -> CONV_2D -> ADD (residual) -> MAX_POOL_2D -> MUL (by a
    LEAKY_RELU of itself) -> SUB -> RELU -> MEAN -> FULLY_CONNECTED -> QUANTIZE int8 out."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x8 = mb.tensor([1, 8, 8, 4], "int8", scale=0.05, zero_point=-3)
    s = 2e-4
    x = mb.tensor([1, 8, 8, 4], "int16", scale=s, zero_point=0)
    mb.op("QUANTIZE", [x8], [x])
    c1, sh = _conv(mb, rng, x, s, [1, 8, 8, 4], 4, 3, 1, 2e-4)
    a1 = mb.tensor(sh, "int16", scale=3e-4, zero_point=0)
    mb.op("ADD", [c1, x], [a1], dict(fused_activation_function="NONE"))
    m1 = mb.tensor([1, 4, 4, 4], "int16", scale=3e-4, zero_point=0)
    mb.op("MAX_POOL_2D", [a1], [m1], dict(padding="VALID", stride_h=2, stride_w=2,
                                          filter_height=2, filter_width=2))
    l1 = mb.tensor([1, 4, 4, 4], "int16", scale=2e-4, zero_point=0)
    mb.op("LEAKY_RELU", [m1], [l1], dict(alpha=0.2))
    p1 = mb.tensor([1, 4, 4, 4], "int16", scale=1e-4, zero_point=0)
    mb.op("MUL", [m1, l1], [p1], dict(fused_activation_function="NONE"))
    d1 = mb.tensor([1, 4, 4, 4], "int16", scale=4e-4, zero_point=0)
    mb.op("SUB", [p1, m1], [d1], dict(fused_activation_function="NONE"))
    r1 = mb.tensor([1, 4, 4, 4], "int16", scale=4e-4, zero_point=0)
    mb.op("RELU", [d1], [r1])
    g1 = mb.tensor([1, 1, 1, 4], "int16", scale=2e-4, zero_point=0)
    mb.op("MEAN", [r1, mb.int32([1, 2])], [g1], dict(keep_dims=True))
    f1 = _fc(mb, rng, g1, 2e-4, 4, 6, 1e-4)
    y8 = mb.tensor([1, 6], "int8", scale=0.02, zero_point=5)
    mb.op("QUANTIZE", [f1], [y8])
    return mb.build([x8], [y8])


def test_conv_dw_pool_fc_softmax(tflm_check):
    data = conv_dw_fc_softmax()
    cm = tflm_check(data, int16_sets(data))
    assert [(op.kind, op.dtype) for op in cm.graph.operators] == [
        ("CONV_2D", "int16"), ("DEPTHWISE_CONV_2D", "int16"), ("AVERAGE_POOL_2D", "int16"),
        ("FULLY_CONNECTED", "int16"), ("SOFTMAX", "int16")]


def test_int8_edges_and_element_wise_body(tflm_check):
    data = int8_edges_residual()
    rng = np.random.default_rng(0)
    sets = [[rng.integers(-128, 128, (1, 8, 8, 4)).astype(np.int8)] for _ in range(4)]
    sets += [[np.full((1, 8, 8, 4), v, np.int8)] for v in (-128, 127, -3)]
    cm = tflm_check(data, sets)
    assert {op.dtype for op in cm.graph.operators} == {"int16"}
    assert len(cm.graph.operators) == 11
