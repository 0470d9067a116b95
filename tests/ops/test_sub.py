"""SUB against TFLM: broadcasting (incl. 5-D), fused activations, extreme scales and zero points,
either operand order; constant folding of int32 shape arithmetic and of int8 constants."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.sweeps import BINARY_SCALES, BINARY_SHAPES, binary_model
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(binary_model("SUB", *shapes, qo=(0.05, 1)))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, act):
    tflm_check(binary_model("SUB", (1, 3, 3, 5), (1, 3, 3, 5), act=act, qo=(0.02, -4)))


@pytest.mark.parametrize("q", BINARY_SCALES + [((0.5, -128), (1e-3, 0), (0.01, 127)),
                                               ((0.02, 127), (0.02, -128), (0.04, 0))])
def test_scales(tflm_check, q):
    tflm_check(binary_model("SUB", (1, 4, 4, 6), (1, 4, 4, 6), qa=q[0], qb=q[1], qo=q[2]))


def test_every_pair_of_values(tflm_check):
    """All 256 x 256 input pairs: a [256, 1] column minus a [1, 256] row."""
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    tflm_check(binary_model("SUB", (256, 1), (1, 256), qa=(0.07, 3), qb=(0.05, -9), qo=(0.1, 2)),
               [[a, a.reshape(1, 256)]])


def _folded_reshape(sub_dtype="int32"):
    """RESHAPE(x, SUB([1, 30], [0, 6])): the new shape [1, 24] comes from constants."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", scale=0.05, zero_point=-3)
    s = mb.tensor([2], sub_dtype)
    y = mb.tensor([1, 24], "int8", scale=0.05, zero_point=-3)
    mb.op("SUB", [mb.const(np.array([1, 30], sub_dtype)), mb.const(np.array([0, 6], sub_dtype))],
          [s], dict(fused_activation_function="NONE"))
    mb.op("RESHAPE", [x, s], [y])
    return mb.build([x], [y])


def test_int32_constants_fold(tflm_check):
    cm = tflm_check(_folded_reshape())
    assert [op.kind for op in cm.graph.operators] == ["RESHAPE"] or not cm.graph.operators
    assert "#0 SUB" in cm.graph.config["folded"]


def test_int8_constants_fold_and_match_tflm(tflm_check):
    """SUB of two int8 constants folds on the host with TFLM's arithmetic; the ADD consumes it."""
    rng = np.random.default_rng(4)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 8], "int8", scale=0.05, zero_point=-3)
    ca = mb.const(rng.integers(-128, 128, (3, 8)).astype(np.int8), scale=0.04, zero_point=5)
    cb = mb.const(rng.integers(-128, 128, (1, 8)).astype(np.int8), scale=0.09, zero_point=-20)
    d = mb.tensor([3, 8], "int8", scale=0.1, zero_point=-1)
    y = mb.tensor([2, 3, 8], "int8", scale=0.12, zero_point=4)
    mb.op("SUB", [ca, cb], [d], dict(fused_activation_function="RELU"))
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]


def test_runtime_int32_is_refused():
    mb = ModelBuilder()
    a, b, y = (mb.tensor([4], "int32") for _ in range(3))
    mb.op("SUB", [a, b], [y], dict(fused_activation_function="NONE"))
    with pytest.raises(UnsupportedError, match="is int32, expected int8"):
        compile_model(mb.build([a, b], [y]))


def test_mixed_types_are_refused():
    from tinyengine_pio.errors import MalformedModelError
    mb = ModelBuilder()
    a = mb.tensor([4], "int8", scale=0.1, zero_point=0)
    b = mb.tensor([4], "int32")
    y = mb.tensor([4], "int8", scale=0.1, zero_point=0)
    mb.op("SUB", [a, b], [y], dict(fused_activation_function="NONE"))
    with pytest.raises(MalformedModelError, match="types differ"):
        compile_model(mb.build([a, b], [y]))


def test_folded_constants_with_an_impossible_scale_are_named():
    """Folding runs in validate.py, before requantize names ScaleErrors: evaluate names them."""
    from tinyengine_pio.errors import MalformedModelError
    mb = ModelBuilder()
    x = mb.tensor([4], "int8", scale=0.05, zero_point=0)
    ca = mb.const(np.array([1, 2, 3, 4], np.int8), scale=1.0, zero_point=0)
    cb = mb.const(np.array([4, 3, 2, 1], np.int8), scale=1.0, zero_point=0)
    d = mb.tensor([4], "int8", scale=1e-7, zero_point=0)
    y = mb.tensor([4], "int8", scale=0.05, zero_point=0)
    mb.op("SUB", [ca, cb], [d], dict(fused_activation_function="NONE"))
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    with pytest.raises(MalformedModelError, match="#0 SUB: its quantization cannot be run"):
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/sub.py) ------------------------------------------------------------

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 1e-45, -1e-38, 3e38, -3e38, np.inf, -np.inf, np.nan,
                    7.0], np.float32)
"""+-0, +-1, a subnormal, tiny, huge, +-inf, NaN: every pair of them is one 12 x 12 model."""

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float32_bit_equal(tflm_check, shapes, act):
    from tests.helpers.sweeps import float_binary_model, float_sets
    cm = tflm_check(float_binary_model("SUB", *shapes, act=act), float_sets(shapes),
                    float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


@pytest.mark.parametrize("act", ["NONE", "RELU6"])
def test_float32_special_values(tflm_check, act):
    from tests.helpers.sweeps import float_binary_model
    tflm_check(float_binary_model("SUB", (12, 1), (1, 12), act=act),
               [[SPECIAL.reshape(12, 1), SPECIAL.reshape(1, 12)]], float_exact=True)


def test_float32_constants_fold():
    """SUB of two float32 constants folds; the MUL consumes it."""
    mb = ModelBuilder()
    x = mb.tensor([2, 8], "float32")
    d = mb.tensor([8], "float32")
    y = mb.tensor([2, 8], "float32")
    mb.op("SUB", [mb.const(np.linspace(-3, 3, 8, dtype=np.float32)),
                  mb.const(np.full(8, 0.25, np.float32))], [d],
          dict(fused_activation_function="RELU"))
    mb.op("MUL", [x, d], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["MUL"]


# --- int16 (ops/int16/sub.py) ----------------------------------------------------------------

INT16_SCALES = [((3e-4, 0), (2e-4, 0), (5e-4, 0)), ((1e-4, 0), (1e-4, 0), (2e-4, 0)),
                ((1e-3, 0), (1e-6, 0), (1e-3, 0)),
                ((1.8789852e-4, 0), (3.463964e-5, 0), (1.2076666e-4, 0)),
                ((1.0790841e-5, 0), (4.2319496e-4, 0), (6.6913101e-3, 0)),
                ((7.415575e-4, 0), (4.282596e-4, 0), (1.0126911e-4, 0)),
                ((2e-4, 1000), (3e-4, -32768), (6e-4, 32767))]
"""(qa, qb, qo): close, equal, far apart, three where float ratios (the mirror's
sub_common.cc) and double ones (the wheel's) give different outputs, zero points."""


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_int16_broadcast(tflm_check, shapes):
    from tests.helpers.int16models import check_int16_binary
    check_int16_binary(tflm_check, "SUB", shapes)


@pytest.mark.parametrize("q", INT16_SCALES)
def test_int16_all_values(tflm_check, q):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "SUB", *q)


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_int16_activation(tflm_check, act):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "SUB", (3e-4, 0), (2e-4, 0), (1e-4, 0), act=act)
