"""MUL against TFLM: broadcasting (incl. 5-D), fused activations, extreme scales and zero points."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import BINARY_SCALES, BINARY_SHAPES, binary_model


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(binary_model("MUL", *shapes, qo=(0.02, 1)))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, act):
    tflm_check(binary_model("MUL", (1, 3, 3, 5), (1, 3, 3, 5), act=act, qo=(0.02, -4)))


@pytest.mark.parametrize("q", BINARY_SCALES)
def test_scales(tflm_check, q):
    tflm_check(binary_model("MUL", (1, 4, 4, 6), (1, 4, 4, 6), qa=q[0], qb=q[1], qo=q[2]))


# --- float32 (ops/float32/mul.py) ------------------------------------------------------------

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 1e-45, -1e-38, 3e38, -3e38, np.inf, -np.inf, np.nan,
                    7.0], np.float32)
"""+-0, +-1, a subnormal, tiny, huge, +-inf, NaN: every pair of them is one 12 x 12 model."""

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float32_bit_equal(tflm_check, shapes, act):
    from tests.helpers.sweeps import float_binary_model, float_sets
    cm = tflm_check(float_binary_model("MUL", *shapes, act=act), float_sets(shapes),
                    float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


@pytest.mark.parametrize("act", ["NONE", "RELU_N1_TO_1"])
def test_float32_special_values(tflm_check, act):
    from tests.helpers.sweeps import float_binary_model
    tflm_check(float_binary_model("MUL", (12, 1), (1, 12), act=act),
               [[SPECIAL.reshape(12, 1), SPECIAL.reshape(1, 12)]], float_exact=True)


def test_float32_constant_operand(tflm_check):
    from tests.helpers.sweeps import float_binary_model, float_sets
    c = np.linspace(-2, 2, 8, dtype=np.float32)
    tflm_check(float_binary_model("MUL", (2, 3, 8), None, const_b=c), float_sets([(2, 3, 8)]),
               float_exact=True)


# --- int16 (ops/int16/mul.py) ----------------------------------------------------------------

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_int16_broadcast(tflm_check, shapes):
    from tests.helpers.int16models import check_int16_binary
    check_int16_binary(tflm_check, "MUL", shapes, qo=(2e-5, 0))


@pytest.mark.parametrize("q", [((3e-4, 0), (2e-4, 0), (1e-5, 0)),
                               ((1 / 32768, 0), (1 / 32768, 0), (1 / 32768, 0)),
                               ((1e-3, 0), (1e-3, 0), (1e-9, 0)),     # saturates
                               ((0.01, 0), (0.02, 0), (30.0, 0)),     # tiny multiplier
                               ((1.0, 0), (1.0, 0), (1e-6, 0))],      # left shift 20
                         ids=["typical", "q15", "saturating", "tiny", "left_shift"])
def test_int16_all_values(tflm_check, q):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "MUL", *q)


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_int16_activation(tflm_check, act):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "MUL", (3e-4, 0), (2e-4, 0), (1e-5, 0), act=act)


def test_int16_refuses_zero_points():
    from tests.helpers.int16models import binary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="zero points 0"):
        compile_model(binary16_model("MUL", (1, 8), (1, 8), qa=(1e-3, 3)))
