"""ADD, MUL (broadcasting, activations, scales), RELU, RELU6, QUANTIZE, DEQUANTIZE against TFLM."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.builder import ModelBuilder


def binary_model(op, a_shape, b_shape, act="NONE", qa=(0.05, -3), qb=(0.03, 7), qo=(0.05, 1)):
    mb = ModelBuilder()
    a = mb.tensor(a_shape, "int8", scale=qa[0], zero_point=qa[1])
    b = mb.tensor(b_shape, "int8", scale=qb[0], zero_point=qb[1])
    y = mb.tensor(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)), "int8", scale=qo[0],
                  zero_point=qo[1])
    mb.op(op, [a, b], [y], dict(fused_activation_function=act))
    return mb.build([a, b], [y])


SHAPES = [((1, 4, 4, 8), (1, 4, 4, 8)), ((1, 4, 4, 8), (1, 1, 1, 8)), ((1, 1, 1, 8), (1, 4, 4, 8)),
          ((1, 5, 3, 7), (1, 5, 1, 7)), ((2, 3, 4), (4,)), ((1, 4, 4, 3), (1, 1, 1, 1)),
          ((2, 1, 3, 1, 5), (1, 4, 1, 2, 1))]


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("shapes", SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, op, shapes):
    tflm_check(binary_model(op, *shapes, qo=(0.05, 1) if op == "ADD" else (0.02, 1)))


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, op, act):
    tflm_check(binary_model(op, (1, 3, 3, 5), (1, 3, 3, 5), act=act, qo=(0.02, -4)))


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("q", [((1e-3, 0), (0.5, -128), (0.01, 127)),
                               ((0.3, 50), (0.3, 50), (0.6, -50)),
                               ((1.0, 0), (1e-4, 10), (2e-3, 0))])
def test_scales(tflm_check, op, q):
    tflm_check(binary_model(op, (1, 4, 4, 6), (1, 4, 4, 6), qa=q[0], qb=q[1], qo=q[2]))


def _unary(op, shape, qi, qo):
    mb = ModelBuilder()
    x = mb.tensor(shape, "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(shape, "int8", scale=qo[0], zero_point=qo[1])
    mb.op(op, [x], [y])
    return mb.build([x], [y])


ALL_INT8 = [np.arange(-128, 128, dtype=np.int8).reshape(1, 256)]


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -3)), ((0.05, -3), (0.1, 20)),
                                   ((0.1, 100), (0.01, -128)), ((1e-3, 0), (0.5, 0))])
def test_relu(tflm_check, qi, qo):
    tflm_check(_unary("RELU", (1, 256), qi, qo), [ALL_INT8])


@pytest.mark.parametrize("qi", [(0.05, -3), (0.03, -128), (0.1, 60)])
def test_relu6(tflm_check, qi):
    tflm_check(_unary("RELU6", (1, 256), qi, qi), [ALL_INT8])


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.1, 20)), ((0.1, 0), (0.01, -5)),
                                   ((1e-3, 100), (0.5, -100)), ((0.02, 5), (0.02, 5))])
def test_requantize(tflm_check, qi, qo):
    tflm_check(_unary("QUANTIZE", (1, 256), qi, qo), [ALL_INT8])


@pytest.mark.parametrize("scale,zp", [(0.02, 3), (1e-3, -128), (0.5, 127), (0.1, 0)])
def test_quantize_float_input(tflm_check, scale, zp):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((1, 300)) * 3).astype(np.float32)
    halves = ((np.arange(300, dtype=np.float32) - 150) * np.float32(scale) * np.float32(0.5))
    tflm_check(opmodels.quantize_model((1, 300), scale, zp),
               [[x], [halves.reshape(1, 300)], [np.full((1, 300), 1e6, np.float32)]])


@pytest.mark.parametrize("scale,zp", [(0.02, 3), (1e-3, -128), (0.5, 127), (0.123456789, -7)])
def test_dequantize(tflm_check, scale, zp):
    tflm_check(opmodels.dequantize_model((1, 256), scale, zp), [ALL_INT8])


def test_standalone_relu_is_folded_into_conv():
    from tinyengine_pio import compile_model
    from tests.helpers.builder import random_conv_weights
    rng = np.random.default_rng(0)
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 2], "int8", scale=0.05, zero_point=0)
    wq, ws = random_conv_weights(rng, [3, 1, 1, 2], True)
    w = mb.const(wq, scale=ws, quant_dim=0)
    m = mb.tensor([1, 4, 4, 3], "int8", scale=0.05, zero_point=-2)
    y = mb.tensor([1, 4, 4, 3], "int8", scale=0.05, zero_point=-2)
    mb.op("CONV_2D", [x, w, None], [m], dict(padding="SAME", stride_h=1, stride_w=1))
    mb.op("RELU", [m], [y])
    data = mb.build([x], [y])
    cm = compile_model(data)
    assert [op.kind for op in cm.graph.operators] == ["CONV_2D"]
    assert cm.graph.operators[0].params["act_min"] == -2
