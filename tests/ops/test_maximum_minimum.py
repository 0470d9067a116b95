"""MAXIMUM and MINIMUM (ops/maximum_minimum.py) against TFLM: broadcasting (incl. 5-D and a
scalar), all 256 x 256 value pairs, operands in differing quantizations (TFLM compares the raw
values), and constant folding of int32 shape arithmetic and of int8 constants."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.sweeps import BINARY_SHAPES
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError

OPS = ["MAXIMUM", "MINIMUM"]
SAME = (0.05, -3)


def _model(op, a_shape, b_shape, qa=SAME, qb=SAME, qo=SAME):
    mb = ModelBuilder()
    a = mb.tensor(a_shape, "int8", scale=qa[0], zero_point=qa[1])
    b = mb.tensor(b_shape, "int8", scale=qb[0], zero_point=qb[1])
    y = mb.tensor(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)), "int8", scale=qo[0],
                  zero_point=qo[1])
    mb.op(op, [a, b], [y])
    return mb.build([a, b], [y])


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, op, shapes):
    tflm_check(_model(op, *shapes))


@pytest.mark.parametrize("op", OPS)
def test_every_pair_of_values(tflm_check, op):
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    tflm_check(_model(op, (256, 1), (1, 256)), [[a, a.reshape(1, 256)]])


@pytest.mark.parametrize("op", OPS)
def test_differing_quantizations(tflm_check, op):
    tflm_check(_model(op, (1, 4, 4, 6), (1, 1, 1, 6), qa=(1e-3, 0), qb=(0.5, -128),
                      qo=(0.01, 127)))


@pytest.mark.parametrize("op,want", [("MAXIMUM", [5, 24]), ("MINIMUM", [1, 6])])
def test_int32_constants_fold(tflm_check, op, want):
    """RESHAPE(x, OP([1, 24], [5, 6])): the new shape is computed from constants."""
    n = int(np.prod(want))
    mb = ModelBuilder()
    x = mb.tensor([n], "int8", scale=0.05, zero_point=-3)
    s = mb.tensor([2], "int32")
    y = mb.tensor(want, "int8", scale=0.05, zero_point=-3)
    mb.op(op, [mb.int32([1, 24]), mb.int32([5, 6])], [s])
    mb.op("RESHAPE", [x, s], [y])
    cm = tflm_check(mb.build([x], [y]))
    assert f"#0 {op}" in cm.graph.config["folded"]


@pytest.mark.parametrize("op", OPS)
def test_int8_constants_fold_and_match_tflm(tflm_check, op):
    rng = np.random.default_rng(5)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 8], "int8", scale=0.05, zero_point=-3)
    ca = mb.const(rng.integers(-128, 128, (3, 8)).astype(np.int8), scale=0.05, zero_point=-3)
    cb = mb.const(rng.integers(-128, 128, (1, 8)).astype(np.int8), scale=0.05, zero_point=-3)
    d = mb.tensor([3, 8], "int8", scale=0.05, zero_point=-3)
    y = mb.tensor([2, 3, 8], "int8", scale=0.12, zero_point=4)
    mb.op(op, [ca, cb], [d])
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [o.kind for o in cm.graph.operators] == ["ADD"]


def test_runtime_int32_is_refused():
    mb = ModelBuilder()
    a, b, y = (mb.tensor([4], "int32") for _ in range(3))
    mb.op("MAXIMUM", [a, b], [y])
    with pytest.raises(UnsupportedError, match="is int32, expected int8"):
        compile_model(mb.build([a, b], [y]))


# --- float32 (ops/float32/maximum_minimum.py) ------------------------------------------------

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 1e-45, -1e-38, 3e38, -3e38, np.inf, -np.inf, np.nan,
                    7.0], np.float32)
"""+-0, +-1, a subnormal, tiny, huge, +-inf, NaN: every pair of them is one 12 x 12 model."""

@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_float32_bit_equal(tflm_check, op, shapes):
    from tests.helpers.sweeps import float_binary_model, float_sets
    cm = tflm_check(float_binary_model(op, *shapes, options={}), float_sets(shapes),
                    float_exact=True)
    assert [o.dtype for o in cm.graph.operators] == ["float32"]


@pytest.mark.parametrize("op", OPS)
def test_float32_nan_and_signed_zeros(tflm_check, op):
    """TFLM's `a > b ? a : b` (`a < b ? a : b`): NaN on either side and +-0 ties give b."""
    from tests.helpers.sweeps import float_binary_model
    tflm_check(float_binary_model(op, (12, 1), (1, 12), options={}),
               [[SPECIAL.reshape(12, 1), SPECIAL.reshape(1, 12)]], float_exact=True)


@pytest.mark.parametrize("op", OPS)
def test_float32_constants_fold_as_tflm(op):
    """The host twin keeps TFLM's NaN rule (not numpy's maximum, which propagates NaN)."""
    mb = ModelBuilder()
    x = mb.tensor([4], "float32")
    d = mb.tensor([4], "float32")
    y = mb.tensor([4], "float32")
    mb.op(op, [mb.const(np.array([np.nan, 1.0, -0.0, 0.0], np.float32)),
               mb.const(np.array([2.0, np.nan, 0.0, -0.0], np.float32))], [d])
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    (add,) = cm.graph.operators
    folded = cm.graph.t(add.inputs[1]).data
    want = np.array([2.0, np.nan, 0.0, -0.0], np.float32)
    assert folded.view(np.uint32).tolist() == want.view(np.uint32).tolist()


# --- int16 (ops/int16/maximum_minimum.py) ----------------------------------------------------

@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_int16_broadcast(tflm_check, op, shapes):
    from tests.helpers.int16models import check_int16_binary
    check_int16_binary(tflm_check, op, shapes)


@pytest.mark.parametrize("op", OPS)
def test_int16_all_values_differing_quantizations(tflm_check, op):
    """Every int16 value against random and extreme partners; TFLM compares the raw values."""
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, op, (1e-4, 0), (3e-4, 5), (2e-4, -7))


def test_int16_constants_fold(tflm_check):
    mb = ModelBuilder()
    q = dict(scale=1e-4, zero_point=0)
    c1 = mb.const(np.array([-30000, 5, 7, 32767], np.int16), **q)
    c2 = mb.const(np.array([-32768, 6, -7, 0], np.int16), **q)
    m = mb.tensor([4], "int16", **q)
    mb.op("MAXIMUM", [c1, c2], [m])
    x = mb.tensor([2, 4], "int16", **q)
    y = mb.tensor([2, 4], "int16", scale=2e-4, zero_point=0)
    mb.op("ADD", [x, m], [y], dict(fused_activation_function="NONE"))
    data = mb.build([x], [y])
    from tests.helpers.int16models import int16_sets
    cm = tflm_check(data, int16_sets(data))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]
