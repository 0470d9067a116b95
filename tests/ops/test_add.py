"""ADD against TFLM: broadcasting (incl. 5-D), fused activations, extreme scales and zero points."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import BINARY_SCALES, BINARY_SHAPES, binary_model


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(binary_model("ADD", *shapes, qo=(0.05, 1)))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, act):
    tflm_check(binary_model("ADD", (1, 3, 3, 5), (1, 3, 3, 5), act=act, qo=(0.02, -4)))


@pytest.mark.parametrize("q", BINARY_SCALES)
def test_scales(tflm_check, q):
    tflm_check(binary_model("ADD", (1, 4, 4, 6), (1, 4, 4, 6), qa=q[0], qb=q[1], qo=q[2]))


# --- float32 (ops/float32/add.py) ------------------------------------------------------------

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float32_bit_equal(tflm_check, shapes, act):
    from tests.helpers.sweeps import float_binary_model, float_sets
    cm = tflm_check(float_binary_model("ADD", *shapes, act=act), float_sets(shapes),
                    float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_constant_operand(tflm_check):
    from tests.helpers.sweeps import float_binary_model, float_sets
    c = np.linspace(-2, 2, 8, dtype=np.float32)
    tflm_check(float_binary_model("ADD", (2, 3, 8), None, const_b=c), float_sets([(2, 3, 8)]),
               float_exact=True)


# --- int16 (ops/int16/add.py) ----------------------------------------------------------------

INT16_SCALES = [((3e-4, 0), (2e-4, 0), (5e-4, 0)), ((1e-4, 0), (1e-4, 0), (2e-4, 0)),
                ((1e-3, 0), (1e-6, 0), (1e-3, 0)), ((0.5, 0), (0.5, 0), (1.0, 0)),
                ((1.8789852e-4, 0), (3.463964e-5, 0), (1.2076666e-4, 0)),
                ((2e-4, 1000), (3e-4, -32768), (6e-4, 32767))]
"""(qa, qb, qo) int16 quantizations: close, equal, far apart, large, odd ratios, zero points."""


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_int16_broadcast(tflm_check, shapes):
    from tests.helpers.int16models import check_int16_binary
    check_int16_binary(tflm_check, "ADD", shapes)


@pytest.mark.parametrize("q", INT16_SCALES)
def test_int16_all_values(tflm_check, q):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "ADD", *q)


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_int16_activation(tflm_check, act):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "ADD", (3e-4, 0), (2e-4, 0), (1e-4, 0), act=act)


def test_int16_constant_operand(tflm_check):
    from tests.helpers.int16models import binary16_model, int16_sets
    c = np.linspace(-30000, 30000, 8).astype(np.int16)
    data = binary16_model("ADD", (2, 3, 8), (8,), const_b=c)
    tflm_check(data, int16_sets(data))


def test_int16_refuses_an_output_scale_too_small():
    """TFLM's QuantizeMultiplierSmallerThanOneExp needs 2 max(input scales) < 2^15 output
    scale."""
    from tests.helpers.int16models import binary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError
    with pytest.raises(MalformedModelError, match="not in \\(0, 1\\)"):
        compile_model(binary16_model("ADD", (1, 8), (1, 8), qa=(1.0, 0), qb=(1.0, 0),
                                     qo=(1e-5, 0)))
