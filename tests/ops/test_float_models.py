"""End-to-end float32 and mixed-precision graphs against TFLM: several float operators chained
(RESIZE_BILINEAR, MEAN, FULLY_CONNECTED, ADD, SOFTMAX; L2_NORMALIZATION, SUM, REDUCE_MAX,
REDUCE_MIN, LOG_SOFTMAX with broadcasting and two outputs), and the precision boundaries inside
one model: an int8 body whose DEQUANTIZE feeds a float LOG_SOFTMAX tail, a float head whose
QUANTIZE feeds an int8 body, both at once, and the same through int16 (QUANTIZE float32 ->
int16, int16x8 FULLY_CONNECTED, DEQUANTIZE int16 -> float32). Integer outputs must match byte
for byte, float outputs within the float tolerance (bit for bit where every operator sums in
TFLM's order)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
from tests.helpers.sweeps import float_sets

NONE = dict(fused_activation_function="NONE")


def _weights(rng, units, depth):
    return (rng.standard_normal((units, depth)) / np.sqrt(depth)).astype(np.float32)


def _dtypes(cm) -> list[str]:
    return [f"{op.kind}:{op.dtype}" for op in cm.graph.operators]


def float_classifier(beta=0.5, seed=0) -> bytes:
    """x [1,6,6,4] -> RESIZE_BILINEAR 9x9 (half-pixel) -> MEAN over H, W -> FC 4 -> 10 ->
    ADD a constant -> SOFTMAX."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor([1, 6, 6, 4], "float32", name="x")
    r = mb.tensor([1, 9, 9, 4], "float32")
    m = mb.tensor([1, 4], "float32")
    f = mb.tensor([1, 10], "float32")
    a = mb.tensor([1, 10], "float32")
    y = mb.tensor([1, 10], "float32", name="y")
    mb.op("RESIZE_BILINEAR", [x, mb.int32([9, 9])], [r], dict(half_pixel_centers=True))
    mb.op("MEAN", [r, mb.int32([1, 2])], [m], dict(keep_dims=False))
    mb.op("FULLY_CONNECTED", [m, mb.const(_weights(rng, 10, 4)),
                              mb.const(rng.standard_normal(10).astype(np.float32))], [f], NONE)
    mb.op("ADD", [f, mb.const(rng.standard_normal(10).astype(np.float32))], [a], NONE)
    mb.op("SOFTMAX", [a], [y], dict(beta=beta))
    return mb.build([x], [y])


def float_normalized_branches(seed=1) -> bytes:
    """x [2,5,8] -> L2_NORMALIZATION -> n; n + SUM(n, -1, keep) (broadcast) -> FC 8 -> 6 ->
    LOG_SOFTMAX (output 0); REDUCE_MAX(x, (0, 2)) + REDUCE_MIN(x, (0, -1, 2)) (output 1)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor([2, 5, 8], "float32", name="x")
    n = mb.tensor([2, 5, 8], "float32")
    s = mb.tensor([2, 5, 1], "float32")
    b = mb.tensor([2, 5, 8], "float32")
    f = mb.tensor([10, 6], "float32")
    y0 = mb.tensor([10, 6], "float32", name="y0")
    mx = mb.tensor([5], "float32")
    mn = mb.tensor([5], "float32")
    y1 = mb.tensor([5], "float32", name="y1")
    mb.op("L2_NORMALIZATION", [x], [n])
    mb.op("SUM", [n, mb.int32([-1])], [s], dict(keep_dims=True))
    mb.op("ADD", [n, s], [b], NONE)
    mb.op("FULLY_CONNECTED", [b, mb.const(_weights(rng, 6, 8)), None], [f], NONE)
    mb.op("LOG_SOFTMAX", [f], [y0])
    mb.op("REDUCE_MAX", [x, mb.int32([0, 2])], [mx], dict(keep_dims=False))
    mb.op("REDUCE_MIN", [x, mb.int32([0, -1, 2])], [mn], dict(keep_dims=False))
    mb.op("ADD", [mx, mn], [y1], NONE)
    return mb.build([x], [y0, y1])


def _int8_fc(mb, rng, x, in_q, units, out_q, out_shape=None, name=None):
    """An int8 FULLY_CONNECTED (per-channel weights, int32 bias) from `x` to a new tensor."""
    depth = x.shape[-1]
    wq, ws = random_conv_weights(rng, [units, depth], True, scale_range=(0.004, 0.02))
    bq, bs = random_bias(rng, units, in_q[0], ws)
    batches = int(np.prod(x.shape)) // depth
    y = mb.tensor(out_shape or [batches, units], "int8", scale=out_q[0], zero_point=out_q[1],
                  name=name)
    mb.op("FULLY_CONNECTED", [x, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                              mb.const(bq, scale=bs, zero_point=0)], [y], NONE)
    return y


def mixed_int8_body_float_tail(seed=2) -> bytes:
    """int8 x [3,24] -> FC -> FC (int8) -> DEQUANTIZE -> LOG_SOFTMAX (float32 output)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    q0, q1, q2 = (0.05, -3), (0.08, 5), (0.1, -10)
    x = mb.tensor([3, 24], "int8", scale=q0[0], zero_point=q0[1], name="x")
    h = _int8_fc(mb, rng, x, q0, 16, q1)
    z = _int8_fc(mb, rng, h, q1, 7, q2)
    d = mb.tensor([3, 7], "float32")
    y = mb.tensor([3, 7], "float32", name="y")
    mb.op("DEQUANTIZE", [z], [d])
    mb.op("LOG_SOFTMAX", [d], [y])
    return mb.build([x], [y])


def mixed_float_head_int8_body(seed=3) -> bytes:
    """float x [1,6,6,3] -> RESIZE_BILINEAR 4x4 (align_corners) -> QUANTIZE -> int8 FC 3 -> 5
    over the 16 pixels (int8 output)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    qa = (0.03, 2)
    x = mb.tensor([1, 6, 6, 3], "float32", name="x")
    r = mb.tensor([1, 4, 4, 3], "float32")
    q = mb.tensor([1, 4, 4, 3], "int8", scale=qa[0], zero_point=qa[1])
    mb.op("RESIZE_BILINEAR", [x, mb.int32([4, 4])], [r], dict(align_corners=True))
    mb.op("QUANTIZE", [r], [q])
    y = _int8_fc(mb, rng, q, qa, 5, (0.04, -7), name="y")
    return mb.build([x], [y])


def mixed_sandwich(seed=4) -> bytes:
    """float x [2,12] -> QUANTIZE -> int8 FC -> DEQUANTIZE -> ADD a constant -> SOFTMAX (float
    output 0); the int8 FC's result is output 1."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    qa, qb = (0.05, 0), (0.06, 3)
    x = mb.tensor([2, 12], "float32", name="x")
    q = mb.tensor([2, 12], "int8", scale=qa[0], zero_point=qa[1])
    mb.op("QUANTIZE", [x], [q])
    h = _int8_fc(mb, rng, q, qa, 9, qb, name="h")
    d = mb.tensor([2, 9], "float32")
    a = mb.tensor([2, 9], "float32")
    y = mb.tensor([2, 9], "float32", name="y")
    mb.op("DEQUANTIZE", [h], [d])
    mb.op("ADD", [d, mb.const(rng.standard_normal(9).astype(np.float32))], [a], NONE)
    mb.op("SOFTMAX", [a], [y], dict(beta=2.0))
    return mb.build([x], [y, h])


def mixed_int16_sandwich(seed=5) -> bytes:
    """float x [2,20] -> QUANTIZE int16 -> FC int16x8 (int64 bias) -> DEQUANTIZE int16 ->
    SOFTMAX (float output)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    qa, qb = 1e-3, 2e-3                 # int16 activations: zero point 0 (TFLM's requirement)
    x = mb.tensor([2, 20], "float32", name="x")
    q = mb.tensor([2, 20], "int16", scale=qa, zero_point=0)
    h = mb.tensor([2, 8], "int16", scale=qb, zero_point=0)
    d = mb.tensor([2, 8], "float32")
    y = mb.tensor([2, 8], "float32", name="y")
    wq, ws = random_conv_weights(rng, [8, 20], True, scale_range=(0.004, 0.02))
    bq = rng.integers(-1 << 16, 1 << 16, size=8).astype(np.int64)
    bs = (qa * np.asarray(ws, np.float64)).astype(np.float32)
    mb.op("QUANTIZE", [x], [q])
    mb.op("FULLY_CONNECTED", [q, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                              mb.const(bq, scale=bs, zero_point=0)], [h], NONE)
    mb.op("DEQUANTIZE", [h], [d])
    mb.op("SOFTMAX", [d], [y], dict(beta=1.0))
    return mb.build([x], [y])


@pytest.mark.parametrize("beta", [0.5, 4.0])
def test_float_classifier(tflm_check, beta):
    cm = tflm_check(float_classifier(beta), float_sets([(1, 6, 6, 4)], scale=2.0))
    assert _dtypes(cm) == ["RESIZE_BILINEAR:float32", "MEAN:float32", "FULLY_CONNECTED:float32",
                           "ADD:float32", "SOFTMAX:float32"]


def test_float_normalized_branches(tflm_check):
    cm = tflm_check(float_normalized_branches(), float_sets([(2, 5, 8)]))
    assert all(op.dtype == "float32" for op in cm.graph.operators)
    assert len(cm.graph.operators) == 8


def test_float_reductions_chain_bit_equal(tflm_check):
    """Where every operator follows TFLM's order exactly (no exp or log), the bits are equal."""
    mb = ModelBuilder()
    x = mb.tensor([2, 6, 5, 3], "float32", name="x")
    r = mb.tensor([2, 7, 9, 3], "float32")
    m = mb.tensor([2, 1, 1, 3], "float32")
    n = mb.tensor([2, 1, 1, 3], "float32")
    s = mb.tensor([2, 3], "float32")
    y = mb.tensor([2, 3], "float32", name="y")
    mb.op("RESIZE_BILINEAR", [x, mb.int32([7, 9])], [r], dict())
    mb.op("MEAN", [r, mb.int32([1, 2])], [m], dict(keep_dims=True))
    mb.op("L2_NORMALIZATION", [m], [n])
    mb.op("SUM", [n, mb.int32([1, 2])], [s], dict(keep_dims=False))
    mb.op("FULLY_CONNECTED", [s, mb.const(_weights(np.random.default_rng(6), 3, 3)), None], [y],
          NONE)
    tflm_check(mb.build([x], [y]), float_sets([(2, 6, 5, 3)]), float_exact=True)


def test_mixed_int8_body_float_tail(tflm_check):
    cm = tflm_check(mixed_int8_body_float_tail())
    assert _dtypes(cm) == ["FULLY_CONNECTED:int8", "FULLY_CONNECTED:int8", "DEQUANTIZE:int8",
                           "LOG_SOFTMAX:float32"]


def test_mixed_float_head_int8_body(tflm_check):
    cm = tflm_check(mixed_float_head_int8_body(), float_sets([(1, 6, 6, 3)], scale=2.0))
    assert _dtypes(cm) == ["RESIZE_BILINEAR:float32", "QUANTIZE:int8", "FULLY_CONNECTED:int8"]


def test_mixed_sandwich(tflm_check):
    cm = tflm_check(mixed_sandwich(), float_sets([(2, 12)], scale=2.0))
    assert _dtypes(cm) == ["QUANTIZE:int8", "FULLY_CONNECTED:int8", "DEQUANTIZE:int8",
                           "ADD:float32", "SOFTMAX:float32"]


def test_mixed_int16_sandwich(tflm_check):
    cm = tflm_check(mixed_int16_sandwich(), float_sets([(2, 20)], scale=2.0))
    assert _dtypes(cm) == ["QUANTIZE:float32", "FULLY_CONNECTED:int16", "DEQUANTIZE:float32",
                           "SOFTMAX:float32"]
