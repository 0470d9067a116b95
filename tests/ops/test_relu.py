"""RELU and RELU6 (ops/relu.py) against TFLM on all 256 input values, requantizing and not; and a
standalone RELU after a convolution folded into the convolution's clamp."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder, random_conv_weights
from tests.helpers.sweeps import ALL_INT8, unary_model


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -3)), ((0.05, -3), (0.1, 20)),
                                   ((0.1, 100), (0.01, -128)), ((1e-3, 0), (0.5, 0))])
def test_relu(tflm_check, qi, qo):
    tflm_check(unary_model("RELU", qi, qo), [[ALL_INT8]])


# the last two: 6.0 lies above the input's range (0.01 * 255 = 2.55, 0.02 * 117 = 2.34); TFLM
# saturates the bound to 127 and runs a RELU (issue 16: these were refused)
@pytest.mark.parametrize("qi", [(0.05, -3), (0.03, -128), (0.1, 60), (0.01, -128), (0.02, 10)])
def test_relu6(tflm_check, qi):
    tflm_check(unary_model("RELU6", qi, qi), [[ALL_INT8]])


def test_standalone_relu_is_folded_into_conv():
    from tinyengine_pio import compile_model
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
    assert cm.graph.operators[0].params.act_min == -2
