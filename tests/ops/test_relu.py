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


def test_activation_is_not_folded_under_a_view(tflm_check):
    """FC -> RELU6 while a RESHAPE view of the FC output is also a model output: the view reads
    the unclamped values, so the RELU6 may not fold into the FC's clamp (found by the
    differential fuzzer: the view came back with stale bytes)."""
    from tests.helpers.builder import random_bias
    rng = np.random.default_rng(3)
    mb = ModelBuilder()
    x = mb.tensor([2, 29], "int8", scale=0.05, zero_point=1)
    wq, ws = random_conv_weights(rng, [8, 29], True)
    h = mb.tensor([2, 8], "int8", scale=0.04, zero_point=-10)
    b, bs = random_bias(rng, 8, 0.05, ws)
    mb.op("FULLY_CONNECTED", [x, mb.const(wq, scale=ws, quant_dim=0), mb.const(b, scale=bs)], [h],
          {"fused_activation_function": "NONE"})
    v = mb.tensor([1, 16], "int8", scale=0.04, zero_point=-10)
    mb.op("RESHAPE", [h, mb.int32([1, 16])], [v], {"new_shape": [1, 16]})
    r = mb.tensor([2, 8], "int8", scale=0.04, zero_point=-10)
    mb.op("RELU6", [h], [r])
    cm = tflm_check(mb.build([x], [v, r]))
    assert [op.kind for op in cm.graph.operators] == ["FULLY_CONNECTED", "RELU6"]


# --- float32 (ops/float32/relu.py) -----------------------------------------------------------

@pytest.mark.parametrize("op", ["RELU", "RELU6"])
def test_float32(tflm_check, op):
    """TFLM's `x < 0 ? 0 : x` / `x > 6 ? 6 : x < 0 ? 0 : x`: -0 and NaN pass through."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, op, exact=True)


def test_float32_is_not_folded_into_its_producer(tflm_check):
    """A float RELU6 after a float ADD stays an operator (the folding pass is int8 only)."""
    from tests.helpers.sweeps import FLOAT_SPECIAL
    mb = ModelBuilder()
    a, b, s = (mb.tensor([52], "float32") for _ in range(3))
    y = mb.tensor([52], "float32")
    mb.op("ADD", [a, b], [s], {"fused_activation_function": "NONE"})
    mb.op("RELU6", [s], [y])
    cm = tflm_check(mb.build([a, b], [y]), [[FLOAT_SPECIAL, FLOAT_SPECIAL[::-1].copy()]],
                    float_exact=True)
    assert [op.kind for op in cm.graph.operators] == ["ADD", "RELU6"]


# --- int16 (ops/int16/relu.py) ---------------------------------------------------------------

@pytest.mark.parametrize("qi,qo", [((1e-4, 0), (1e-4, 0)), ((1e-4, 0), (3e-4, 0)),
                                   ((3e-4, 0), (1e-4, 0)), ((1e-3, 0), (1e-7, 0)),
                                   ((1.0, 0), (1e-3, 0))])
def test_int16_relu(tflm_check, qi, qo):
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "RELU", qi, qo)


@pytest.mark.parametrize("qi", [(1e-3, 0), (1e-4, 0), (3e-4, 100), (1e-3, -32768), (0.5, 50),
                                (1e-5, 0)])
def test_int16_relu6(tflm_check, qi):
    """Clamped in the input's quantization (six saturates to 32767 where 6.0 is out of range)."""
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "RELU6", qi, (2e-4, 0))


def test_int16_relu_refuses_zero_points():
    from tests.helpers.int16models import unary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="zero points 0"):
        compile_model(unary16_model("RELU", (1, 8), qi=(1e-3, 4), qo=(1e-3, 4)))
