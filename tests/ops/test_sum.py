"""SUM (ops/sum.py) against TFLM: one to four axes (negative and repeated ones too), keep_dims or
not, 1-D to 4-D inputs, output scales below, equal to and above the input's (saturation both
ways, left shifts), every int8 value; constant folding; and the refusals. int16 (ops/int16/sum.py): axes, zero
points and scales over every int16 value, constant folding, the int32-overflow refusal."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

OUT_Q = (0.4, 7)
CASES = [dict(axis=(1, 2), keep_dims=True), dict(axis=(1, 2), keep_dims=False),
         dict(axis=(3,), keep_dims=False), dict(axis=(-1,), keep_dims=True),
         dict(axis=(1,), keep_dims=True), dict(axis=(0, 1, 2, 3), keep_dims=False),
         dict(axis=(1, -3), keep_dims=False),
         dict(in_shape=(2, 5, 7, 3), axis=(0, 2), keep_dims=True),
         dict(in_shape=(2, 5, 7, 3), axis=(2, 0), keep_dims=False),
         dict(in_shape=(3, 1, 4, 5), axis=(1,), keep_dims=False),
         dict(in_shape=(4, 9), axis=(1,), keep_dims=False),
         dict(in_shape=(4, 9), axis=(0,), keep_dims=True),
         dict(in_shape=(23,), axis=(0,), keep_dims=False),
         dict(in_shape=(1, 25, 25, 2), axis=(1, 2), keep_dims=True)]


def _id(c):
    return (f"{'x'.join(map(str, c.get('in_shape', (1, 6, 6, 8))))}_ax"
            f"{'_'.join(map(str, c['axis']))}{'_keep' if c['keep_dims'] else ''}")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_axes_and_keep_dims(tflm_check, case):
    cm = tflm_check(opmodels.reduce("SUM", **case, out_q=OUT_Q))
    assert [op.kind for op in cm.graph.operators] == ["SUM"]


@pytest.mark.parametrize("in_q,out_q", [((0.05, -3), (0.05, -3)), ((0.05, -3), (2.0, -128)),
                                        ((1e-3, -128), (0.3, 127)), ((0.5, 127), (1e-3, 0)),
                                        ((0.02, 0), (0.0213, -50)), ((1.0, 5), (16.0, 3))],
                         ids=["same", "wide_out", "zp_min", "left_shift", "odd_ratio", "pow2"])
def test_quantization(tflm_check, in_q, out_q):
    # every int8 value once, summed in groups of 4 and 16
    for axis, shape in [((2,), (1, 64, 4)), ((1,), (16, 16))]:
        m = opmodels.reduce("SUM", shape, axis=axis, keep_dims=False, in_q=in_q, out_q=out_q)
        tflm_check(m, [[ALL_INT8.reshape(shape)], [ALL_INT8[::-1].reshape(shape)]])


def test_evaluate_matches_tflm():
    from tests.helpers.tflm import run_tflm
    model = opmodels.reduce("SUM", (2, 5, 7, 3), axis=(0, 2), keep_dims=False, out_q=OUT_Q)
    for seed in range(3):
        x = np.random.default_rng(seed).integers(-128, 128, size=(2, 5, 7, 3)).astype(np.int8)
        g = read_model(model)
        op = g.operators[0]
        g.t(op.inputs[0]).data = x
        (got,) = lookup(op).evaluate(g, op)
        np.testing.assert_array_equal(got, run_tflm(model, [x])[0])


def test_refuses_a_wrong_output_shape():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 5], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("SUM", [x, mb.int32([2])], [y], dict(keep_dims=False))
    with pytest.raises(MalformedModelError, match=r"SUM: output 0 'y' has shape \[1, 5\], but "
                                                  r"the operator computes \[1, 4\]"):
        compile_model(mb.build([x], [y]))


def test_refuses_an_axis_out_of_range():
    with pytest.raises(MalformedModelError, match="SUM: axis -5 is out of range for rank 4"):
        compile_model(opmodels.reduce("SUM", axis=(-5,), out_q=OUT_Q))


def test_refuses_int32():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int32", name="x")
    y = mb.tensor([1, 4], "int32", name="y")
    mb.op("SUM", [x, mb.int32([2])], [y], dict(keep_dims=False))
    with pytest.raises(UnsupportedError, match=r"operator #0 SUM: .*int32"):
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/sum.py, ops/float32/reduce.py) ---------------------------------

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
    cm = tflm_check(float_reduce_model("SUM", shape, axis, keep), float_sets([shape]),
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
        tflm_check(float_reduce_model("SUM", shape, axis, False), sets, float_exact=True)


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
    mb.op("SUM", [c, mb.const(np.array([1], np.int32))], [r], dict(keep_dims=False))
    mb.op("ADD", [x, r], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]
    from tests.helpers.sweeps import float_reduce_model
    from tests.helpers.tflm import run_tflm_many
    ref = run_tflm_many(float_reduce_model("SUM", (3, 5, 4), (1,)), [[data]])[0][0]
    got = cm.graph.t(cm.graph.operators[0].inputs[1]).data
    assert got.view(np.uint32).tolist() == ref.view(np.uint32).tolist()


# --- int16 (ops/int16/sum.py) ----------------------------------------------------------------

INT16_CASES = [((1, 6, 6, 8), (1, 2), True), ((1, 6, 6, 8), (1, 2), False),
               ((1, 6, 6, 8), (-3, -2), True), ((2, 5, 7, 3), (3,), False),
               ((2, 5, 7, 3), (0, 2), True), ((2, 5, 7, 3), (0, 1, 2, 3), False),
               ((4, 9), (1,), False), ((23,), (0,), True), ((2, 3, 4), (1, 1, -2), True),
               ((3, 1, 4, 5), (1,), False), ((1, 25, 25, 2), (1, 2), True),
               ((1, 2, 3, 4, 5), (1, 3), False)]


@pytest.mark.parametrize("shape,axis,keep", INT16_CASES,
                         ids=[f"{s}-{a}-{k}" for s, a, k in INT16_CASES])
def test_int16_axes(tflm_check, shape, axis, keep):
    from tests.helpers.int16models import int16_sets, mean16_model
    data = mean16_model(shape, axis, keep, qi=(1e-3, 0), qo=(8e-3, 0), op="SUM")
    cm = tflm_check(data, int16_sets(data))
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("qi,qo", [((1e-3, 0), (1e-3, 0)), ((1e-3, 0), (3e-2, 0)),
                                   ((3e-4, 0), (1e-4, 0)), ((1e-3, 100), (2e-3, -50)),
                                   ((0.5, -32768), (0.5, 32767)), ((1e-5, 0), (1.0, 0)),
                                   ((0.02, 0), (0.0213, 7)), ((1.0, 0), (16.0, 0))],
                         ids=["same", "wide_out", "left_shift", "zero_points", "zp_extremes",
                              "tiny_ratio", "odd_ratio", "pow2"])
def test_int16_every_value(tflm_check, qi, qo):
    """Every int16 value once, summed in groups of 4 and 256."""
    from tests.helpers.int16models import ALL_INT16, mean16_model
    for axis, shape in [((2,), (1, 16384, 4)), ((0,), (256, 256))]:
        data = mean16_model(shape, axis, False, qi, qo, op="SUM")
        cm = tflm_check(data, [[ALL_INT16.reshape(shape)], [ALL_INT16[:, ::-1].reshape(shape)]])
        assert [op.dtype for op in cm.graph.operators] == ["int16"]


def test_int16_evaluate_matches_tflm():
    from tests.helpers.int16models import mean16_model
    from tests.helpers.tflm import run_tflm
    model = mean16_model((2, 5, 7, 3), (0, 2), False, (1e-3, 3), (4e-3, -2), op="SUM")
    for seed in range(3):
        x = np.random.default_rng(seed).integers(-32768, 32768, (2, 5, 7, 3)).astype(np.int16)
        g = read_model(model)
        op = g.operators[0]
        g.t(op.inputs[0]).data = x
        op.dtype = "int16"
        (got,) = lookup(op).evaluate(g, op)
        np.testing.assert_array_equal(got, run_tflm(model, [x])[0])


def test_int16_refuses_an_overflowing_sum():
    from tests.helpers.int16models import mean16_model
    with pytest.raises(UnsupportedError, match="SUM: the int32 sum of 90000 int16 values may "
                                               "overflow"):
        compile_model(mean16_model((1, 300, 300, 1), (1, 2), True, op="SUM"))
