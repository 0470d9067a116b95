"""SQUARED_DIFFERENCE (ops/squared_difference.py) against TFLM: broadcasting, all 256 x 256
value pairs, extreme scales and zero points, output multipliers above and below one, int8
constants folded; broadcasting over 5 dimensions (TFLM's 4-D kernel cannot) is refused. int16
(ops/int16/squared_difference.py): broadcasting, every int16 value over 6 scale sets, constant
folding, the zero-point and 5-D broadcast refusals."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.sweeps import BINARY_SCALES, BINARY_SHAPES
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


def _model(a_shape, b_shape, qa=(0.05, -3), qb=(0.03, 7), qo=(0.02, -100)):
    mb = ModelBuilder()
    a = mb.tensor(a_shape, "int8", scale=qa[0], zero_point=qa[1])
    b = mb.tensor(b_shape, "int8", scale=qb[0], zero_point=qb[1])
    y = mb.tensor(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)), "int8", scale=qo[0],
                  zero_point=qo[1])
    mb.op("SQUARED_DIFFERENCE", [a, b], [y])
    return mb.build([a, b], [y])


@pytest.mark.parametrize("shapes", [s for s in BINARY_SHAPES if len(s[0]) <= 4],
                         ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(_model(*shapes))


@pytest.mark.parametrize("q", BINARY_SCALES + [((0.05, -3), (0.03, 7), (1e-4, -128)),
                                               ((0.02, 127), (0.02, -128), (2.0, 0)),
                                               ((0.1, 0), (0.1, 0), (0.01, -128))])
def test_scales(tflm_check, q):
    tflm_check(_model((1, 4, 4, 6), (1, 4, 4, 6), *q))


@pytest.mark.parametrize("q", [((0.07, 3), (0.05, -9), (0.1, -128)),
                               ((0.01, -128), (0.5, 100), (1.0, -60))])
def test_every_pair_of_values(tflm_check, q):
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    tflm_check(_model((256, 1), (1, 256), *q), [[a, a.reshape(1, 256)]])


def test_5d_same_shapes(tflm_check):
    tflm_check(_model((2, 1, 3, 2, 5), (2, 1, 3, 2, 5)))


def test_5d_broadcast_is_refused():
    with pytest.raises(UnsupportedError, match="TFLM broadcasts at most 4"):
        compile_model(_model((2, 1, 3, 1, 5), (1, 4, 1, 2, 1)))


def test_int8_constants_fold_and_match_tflm(tflm_check):
    rng = np.random.default_rng(6)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 8], "int8", scale=0.05, zero_point=-3)
    ca = mb.const(rng.integers(-128, 128, (3, 8)).astype(np.int8), scale=0.04, zero_point=5)
    cb = mb.const(rng.integers(-128, 128, (1, 8)).astype(np.int8), scale=0.09, zero_point=-20)
    d = mb.tensor([3, 8], "int8", scale=0.3, zero_point=-128)
    y = mb.tensor([2, 3, 8], "int8", scale=0.12, zero_point=4)
    mb.op("SQUARED_DIFFERENCE", [ca, cb], [d])
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]


def test_folded_constants_with_an_impossible_scale_are_named():
    from tinyengine_pio.errors import MalformedModelError
    mb = ModelBuilder()
    x = mb.tensor([4], "int8", scale=0.05, zero_point=0)
    ca = mb.const(np.array([1, 2, 3, 4], np.int8), scale=100.0, zero_point=0)
    cb = mb.const(np.array([4, 3, 2, 1], np.int8), scale=100.0, zero_point=0)
    d = mb.tensor([4], "int8", scale=1e-9, zero_point=0)
    y = mb.tensor([4], "int8", scale=0.05, zero_point=0)
    mb.op("SQUARED_DIFFERENCE", [ca, cb], [d])
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    with pytest.raises(MalformedModelError, match="#0 SQUARED_DIFFERENCE: its quantization"):
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/squared_difference.py) ---------------------------------------------

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 1e-45, -1e-38, 3e38, -3e38, np.inf, -np.inf, np.nan,
                    7.0], np.float32)
"""+-0, +-1, a subnormal, tiny, huge, +-inf, NaN: every pair of them is one 12 x 12 model."""

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_float32_bit_equal(tflm_check, shapes):
    from tests.helpers.sweeps import float_binary_model, float_sets
    cm = tflm_check(float_binary_model("SQUARED_DIFFERENCE", *shapes, options={}),
                    float_sets(shapes), float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_special_values(tflm_check):
    from tests.helpers.sweeps import float_binary_model
    tflm_check(float_binary_model("SQUARED_DIFFERENCE", (12, 1), (1, 12), options={}),
               [[SPECIAL.reshape(12, 1), SPECIAL.reshape(1, 12)]], float_exact=True)


def test_float32_constant_operand(tflm_check):
    from tests.helpers.sweeps import float_binary_model, float_sets
    c = np.linspace(-2, 2, 8, dtype=np.float32)
    tflm_check(float_binary_model("SQUARED_DIFFERENCE", (2, 3, 8), None, options={}, const_b=c),
               float_sets([(2, 3, 8)]), float_exact=True)


# --- int16 (ops/int16/squared_difference.py) ---------------------------------------------------

@pytest.mark.parametrize("shapes", [s for s in BINARY_SHAPES if len(s[0]) <= 4] +
                         [((2, 1, 3, 2, 5), (2, 1, 3, 2, 5))], ids=lambda s: f"{s[0]}-{s[1]}")
def test_int16_broadcast(tflm_check, shapes):
    from tests.helpers.int16models import check_int16_binary
    check_int16_binary(tflm_check, "SQUARED_DIFFERENCE", shapes, qa=(1e-3, 0), qb=(7e-4, 0),
                       qo=(1e-2, 0))


INT16_SCALES = [((1e-3, 0), (1e-3, 0), (1e-2, 0)), ((1e-3, 0), (3e-4, 0), (1e-3, 0)),
                ((1.0, 0), (1e-4, 0), (2e-3, 0)), ((1e-4, 0), (0.5, 0), (1e3, 0)),
                ((2e-4, 0), (2e-4, 0), (1e-6, 0)), ((0.02, 0), (0.0213, 0), (0.7, 0))]


@pytest.mark.parametrize("q", INT16_SCALES, ids=[f"{a[0]:g}-{b[0]:g}-{o[0]:g}"
                                                 for a, b, o in INT16_SCALES])
def test_int16_every_value(tflm_check, q):
    from tests.helpers.int16models import check_int16_all_values
    check_int16_all_values(tflm_check, "SQUARED_DIFFERENCE", *q)


def test_int16_constants_fold_and_match_tflm():
    from tests.helpers.int16models import binary16_model
    from tests.helpers.tflm import run_tflm
    from tinyengine_pio.frontend import read_model
    from tinyengine_pio.ops import lookup
    rng = np.random.default_rng(2)
    a = rng.integers(-32768, 32768, (2, 3, 8)).astype(np.int16)
    b = rng.integers(-32768, 32768, (1, 8)).astype(np.int16)
    model = binary16_model("SQUARED_DIFFERENCE", (2, 3, 8), (1, 8), qa=(1e-3, 0),
                           qb=(4e-4, 0), qo=(2e-2, 0))
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data, g.t(op.inputs[1]).data = a, b
    op.dtype = "int16"
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [a, b])[0])


def test_int16_refusals():
    from tests.helpers.int16models import binary16_model
    with pytest.raises(UnsupportedError, match="SQUARED_DIFFERENCE needs zero points 0"):
        compile_model(binary16_model("SQUARED_DIFFERENCE", (1, 4), (1, 4), qa=(1e-3, 5)))
    with pytest.raises(UnsupportedError, match="TFLM broadcasts at most 4"):
        compile_model(binary16_model("SQUARED_DIFFERENCE", (2, 1, 3, 1, 5), (1, 4, 1, 2, 1)))
