"""ARG_MAX / ARG_MIN (ops/arg_min_max.py) against TFLM: every axis (negative too) of 1-D to 4-D
inputs, ties (TFLM keeps the first index), int64 outputs (TFLM runs only int32 ones: checked
against numpy), constant folding, and the refusals; float32 inputs (ops/float32/arg_min_max.py)
over the same shapes with ties, signed zeros, infinities and NaNs, int64 outputs, folding."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.host import run_on_host
from tinyengine_pio.ops import lookup
from tinyengine_pio.ops.base import select

CASES = [dict(in_shape=(1, 5, 7, 6), axis=3), dict(in_shape=(1, 5, 7, 6), axis=-1),
         dict(in_shape=(1, 5, 7, 6), axis=1), dict(in_shape=(1, 5, 7, 6), axis=2),
         dict(in_shape=(3, 4, 2, 5), axis=0), dict(in_shape=(2, 33), axis=1),
         dict(in_shape=(9, 3), axis=-2), dict(in_shape=(4, 1, 3), axis=1),
         dict(in_shape=(1, 300), axis=1), dict(in_shape=(17,), axis=0)]


def _ties(shape, seed=0):
    """Few distinct values, so most rows have several equal extremes."""
    rng = np.random.default_rng(seed)
    return [[rng.integers(-2, 2, size=shape).astype(np.int8)],
            [rng.choice(np.array([-128, 127], np.int8), size=shape)]]


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{'x'.join(map(str, c['in_shape']))}_ax{c['axis']}")
def test_shapes_and_axes(tflm_check, kind, case):
    cm = tflm_check(opmodels.arg_min_max(kind, **case))
    assert [op.kind for op in cm.graph.operators] == [kind]


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("case", [dict(in_shape=(1, 5, 7, 6), axis=3),
                                  dict(in_shape=(3, 4, 2, 5), axis=0),
                                  dict(in_shape=(2, 6, 3), axis=1)],
                         ids=["last", "first", "middle"])
def test_ties_keep_the_first_index(tflm_check, kind, case):
    tflm_check(opmodels.arg_min_max(kind, **case), _ties(case["in_shape"]))


def test_a_single_element_axis(tflm_check):
    tflm_check(opmodels.arg_min_max("ARG_MAX", in_shape=(2, 1, 5), axis=1))


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_int64_output(kind, axis):
    """TFLM refuses int64 outputs; TFLite's semantics are numpy's arg{max,min} (first index)."""
    shape = (3, 7, 4)
    cm = compile_model(opmodels.arg_min_max(kind, in_shape=shape, axis=axis, out_dtype="int64"))
    f = np.argmax if kind == "ARG_MAX" else np.argmin
    for x in [np.random.default_rng(1).integers(-128, 128, size=shape).astype(np.int8),
              *[s[0] for s in _ties(shape, 2)]]:
        (got,) = run_on_host(cm, [x])
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, f(x, axis=axis))


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
def test_evaluate_matches_tflm(kind):
    """The constant-folding hook computes what TFLM computes."""
    from tests.helpers.tflm import run_tflm
    shape = (2, 6, 5)
    model = opmodels.arg_min_max(kind, in_shape=shape, axis=1)
    for (x,) in [[np.random.default_rng(3).integers(-128, 128, size=shape).astype(np.int8)],
                 *_ties(shape, 4)]:
        g = read_model(model)
        op = g.operators[0]
        g.t(op.inputs[0]).data = x
        (got,) = lookup(op).evaluate(g, op)
        np.testing.assert_array_equal(np.asarray(got, np.int32), run_tflm(model, [x])[0])


def test_refuses_a_wrong_output_shape():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 5], "int32", name="y")
    mb.op("ARG_MAX", [x, mb.int32([2])], [y])
    with pytest.raises(MalformedModelError, match=r"operator #0 ARG_MAX: output 0 'y' has shape "
                                                  r"\[1, 5\], but the operator computes \[1, 4\]"):
        compile_model(mb.build([x], [y]))


def test_refuses_several_axes():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1], "int32", name="y")
    mb.op("ARG_MIN", [x, mb.int32([1, 2])], [y])
    with pytest.raises(MalformedModelError, match="axis 'axis' has 2 values, expected one|"
                                                  r"axis .* has 2 values"):
        compile_model(mb.build([x], [y]))


def test_refuses_an_axis_out_of_range():
    with pytest.raises(MalformedModelError, match="axis 3 is out of range for rank 3"):
        compile_model(opmodels.arg_min_max("ARG_MAX", in_shape=(2, 3, 4), axis=3))


def test_refuses_an_int8_output():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("ARG_MAX", [x, mb.int32([2])], [y])
    with pytest.raises(UnsupportedError, match=r"operator #0 ARG_MAX: output .*int8, expected "
                                               r"int32 or int64"):
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/arg_min_max.py) -----------------------------------------------------

def _f32_model(kind, in_shape, axis, out_dtype="int32"):
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor(list(in_shape), "float32", name="x")
    y = mb.tensor([d for i, d in enumerate(in_shape) if i != axis % len(in_shape)], out_dtype)
    mb.op(kind, [x, mb.int32([axis])], [y], dict(output_type={"int32": 2, "int64": 4}[out_dtype]))
    return mb.build([x], [y])


def _f32_sets(shape, seed=0):
    """Normal values; ties (few values, 0.0 and -0.0 among them); infinities; NaNs, which a
    strict comparison never picks (unless first), and the largest finite values."""
    rng = np.random.default_rng(seed)
    few = np.array([0.0, -0.0, 1.5, -1.5], np.float32)
    odd = np.array([np.nan, 1.0, np.inf, -np.inf, np.nan, -3.0e38, 3.4e38, -0.0], np.float32)
    return [[rng.standard_normal(shape).astype(np.float32) * 10],
            [rng.choice(few, size=shape)], [rng.choice(odd, size=shape)],
            [np.resize(odd, shape)], [np.resize(odd[::-1], shape)]]


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{'x'.join(map(str, c['in_shape']))}_ax{c['axis']}")
def test_float32_shapes_axes_ties_and_nans(tflm_check, kind, case):
    cm = tflm_check(_f32_model(kind, case["in_shape"], case["axis"]),
                    _f32_sets(case["in_shape"]))
    assert [(op.kind, op.dtype) for op in cm.graph.operators] == [(kind, "float32")]


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_float32_int64_output(kind, axis):
    """TFLM refuses int64 outputs: the same indices as its int32 ones (checked above) in int64."""
    from tests.helpers.tflm import run_tflm
    shape = (3, 7, 4)
    cm = compile_model(_f32_model(kind, shape, axis, "int64"))
    for (x,) in _f32_sets(shape, 2):
        (got,) = run_on_host(cm, [x])
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, run_tflm(_f32_model(kind, shape, axis), [x])[0])


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
def test_float32_evaluate_matches_tflm(kind):
    """The constant folding scans as TFLM does (numpy's argmax would pick the NaNs)."""
    from tests.helpers.tflm import run_tflm
    shape = (2, 6, 5)
    model = _f32_model(kind, shape, 1)
    for (x,) in _f32_sets(shape, 4):
        g = read_model(model)
        op = g.operators[0]
        select(g, op)
        g.t(op.inputs[0]).data = x
        (got,) = lookup(op).evaluate(g, op)
        np.testing.assert_array_equal(np.asarray(got, np.int32), run_tflm(model, [x])[0])
