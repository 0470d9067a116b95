"""REDUCE_MAX (ops/reduce_max.py) against TFLM: one to four axes (negative and repeated ones
too), keep_dims or not, 1-D to 4-D inputs, extreme zero points; constant folding; and the
refusals (TFLM requires the same quantization in and out)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

CASES = [dict(axis=(1, 2), keep_dims=True), dict(axis=(1, 2), keep_dims=False),
         dict(axis=(3,), keep_dims=False), dict(axis=(-1,), keep_dims=True),
         dict(axis=(1,), keep_dims=True), dict(axis=(0, 1, 2, 3), keep_dims=False),
         dict(axis=(0, 1, 2, 3), keep_dims=True), dict(axis=(1, -3), keep_dims=False),
         dict(in_shape=(2, 5, 7, 3), axis=(0, 2), keep_dims=True),
         dict(in_shape=(2, 5, 7, 3), axis=(2, 0), keep_dims=False),
         dict(in_shape=(3, 1, 4, 5), axis=(1,), keep_dims=False),
         dict(in_shape=(4, 9), axis=(1,), keep_dims=False),
         dict(in_shape=(4, 9), axis=(0,), keep_dims=True),
         dict(in_shape=(23,), axis=(0,), keep_dims=False),
         dict(in_shape=(2, 3, 4), axis=(2, 1), keep_dims=True)]


def _id(c):
    return (f"{'x'.join(map(str, c.get('in_shape', (1, 6, 6, 8))))}_ax"
            f"{'_'.join(map(str, c['axis']))}{'_keep' if c['keep_dims'] else ''}")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_axes_and_keep_dims(tflm_check, case):
    cm = tflm_check(opmodels.reduce("REDUCE_MAX", **case))
    assert [op.kind for op in cm.graph.operators] == ["REDUCE_MAX"]


@pytest.mark.parametrize("q", [(0.05, -3), (1e-3, -128), (0.5, 127), (1.0, 0)])
def test_every_int8_value(tflm_check, q):
    # every int8 value once, reduced in groups of 16 and as a whole
    tflm_check(opmodels.reduce("REDUCE_MAX", (1, 16, 16), axis=(2,), keep_dims=False, in_q=q),
               [[ALL_INT8.reshape(1, 16, 16)], [ALL_INT8[::-1].reshape(1, 16, 16)]])
    tflm_check(opmodels.reduce("REDUCE_MAX", (1, 16, 16), axis=(1, 2), keep_dims=True, in_q=q),
               [[ALL_INT8.reshape(1, 16, 16)]])


def test_evaluate_matches_tflm():
    from tests.helpers.tflm import run_tflm
    model = opmodels.reduce("REDUCE_MAX", (2, 5, 7, 3), axis=(0, 2), keep_dims=False)
    x = np.random.default_rng(5).integers(-128, 128, size=(2, 5, 7, 3)).astype(np.int8)
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data = x
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [x])[0])


def test_refuses_a_different_output_quantization():
    with pytest.raises(MalformedModelError, match=r"operator #0 REDUCE_MAX: input 'x' .* must "
                                                  "share their quantization"):
        compile_model(opmodels.reduce("REDUCE_MAX", out_q=(0.1, -3)))


def test_refuses_a_wrong_output_shape():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 4, 1], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("REDUCE_MAX", [x, mb.int32([2])], [y], dict(keep_dims=False))
    with pytest.raises(MalformedModelError, match=r"REDUCE_MAX: output 0 'y' has shape \[1, 4, 1\]"
                                                  r", but the operator computes \[1, 4\]"):
        compile_model(mb.build([x], [y]))


def test_refuses_an_axis_out_of_range():
    with pytest.raises(MalformedModelError, match="REDUCE_MAX: axis 4 is out of range for rank 4"):
        compile_model(opmodels.reduce("REDUCE_MAX", axis=(4,)))


def test_refuses_int16():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int16", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 4], "int16", scale=0.1, zero_point=0, name="y")
    mb.op("REDUCE_MAX", [x, mb.int32([2])], [y], dict(keep_dims=False))
    # the tflite_micro wheel refuses it too ("Only float32 and int8 types are supported.")
    with pytest.raises(UnsupportedError, match=r"operator #0 REDUCE_MAX: .*int16, expected int8 "
                                               r"\[int16 activations; TFLM does not run it"):
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/reduce_max.py, ops/float32/reduce.py) ---------------------------------

FLOAT_CASES = [((1, 6, 6, 8), (1, 2), True), ((1, 6, 6, 8), (1, 2), False),
               ((1, 6, 6, 8), (2, 1), True), ((1, 6, 6, 8), (-3, -2), True),
               ((2, 5, 7, 3), (3,), False), ((2, 5, 7, 3), (-1,), True),
               ((2, 5, 7, 3), (0, 2), True), ((2, 5, 7, 3), (2, 0, 2, -4), False),
               ((2, 5, 7, 3), (0, 1, 2, 3), False), ((2, 5, 7, 3), (0, 1, 2, 3), True),
               ((3, 1, 4, 5), (1,), False), ((4, 9), (0,), True), ((4, 9), (1,), False),
               ((23,), (0,), False), ((2, 3, 4), (2, 1), True), ((2, 3, 4), (1, 1, -2), True),
               ((2, 3, 2, 2, 3), (1, 3), False), ((1, 625, 3), (1,), True)]


def _float_case_id(c):
    return f"{'x'.join(map(str, c[0]))}_ax{'_'.join(map(str, c[1]))}{'_keep' if c[2] else ''}"


@pytest.mark.parametrize("case", FLOAT_CASES, ids=_float_case_id)
def test_float32_bit_equal(tflm_check, case):
    from tests.helpers.sweeps import float_reduce_model, float_sets
    shape, axis, keep = case
    cm = tflm_check(float_reduce_model("REDUCE_MAX", shape, axis, keep), float_sets([shape]),
                    float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_special_values(tflm_check):
    """Signed zeros, infinities, NaN, +-FLT_MAX and overflowing sums, in every position."""
    from tests.helpers.sweeps import float_reduce_model
    shape = (3, 4, 6)
    vals = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 3.4e38, -3.4e38, 1e-45, -1.0, 2.5],
                    np.float32)
    rng = np.random.default_rng(3)
    sets = [[rng.choice(vals, size=shape).astype(np.float32)] for _ in range(6)]
    sets += [[np.full(shape, v, np.float32)] for v in (-0.0, -np.inf, np.inf, 3.4e38, np.nan)]
    for axis in [(1,), (0, 2), (-1,)]:
        tflm_check(float_reduce_model("REDUCE_MAX", shape, axis, False), sets, float_exact=True)


def test_float32_constant_folds():
    """A constant input is reduced on the host in TFLM's order (bit-equal with the kernel)."""
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    rng = np.random.default_rng(7)
    data = (rng.standard_normal((3, 5, 4)) * 1e3).astype(np.float32)
    mb = ModelBuilder()
    c = mb.const(data)
    r = mb.tensor([3, 4], "float32")
    x = mb.tensor([3, 4], "float32")
    y = mb.tensor([3, 4], "float32")
    mb.op("REDUCE_MAX", [c, mb.const(np.array([1], np.int32))], [r], dict(keep_dims=False))
    mb.op("ADD", [x, r], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]
    from tests.helpers.sweeps import float_reduce_model
    from tests.helpers.tflm import run_tflm_many
    ref = run_tflm_many(float_reduce_model("REDUCE_MAX", (3, 5, 4), (1,)), [[data]])[0][0]
    got = cm.graph.t(cm.graph.operators[0].inputs[1]).data
    assert got.view(np.uint32).tolist() == ref.view(np.uint32).tolist()
