"""EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL (ops/comparisons.py,
ops/float32/comparisons.py) against TFLM, bool outputs byte for byte: int8 with equal and with
different quantizations (TFLM rescales each input: equal real values compare equal), int32 and
float32 raw (signed zeros, NaN, infinities), broadcasting over ranks 1 to 5, constant operands;
constant folding; and the refusals."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

OPS = ["EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"]
SHAPES = [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1, 5], [1, 3, 1]), ([7], [1]),
          ([2, 2, 3, 4], [1, 2, 1, 4]), ([1, 2, 3, 2, 3], [2, 1, 1, 3]), ([1], [3, 1, 2])]
NP = {"int8": np.int8, "int32": np.int32, "float32": np.float32}
# (scale, zero point) of input 0 and input 1: equal, and different (0.1 * (8 - 5) == 0.3 * (-1 + 2))
QUANTS = {"same": ((0.05, -3), (0.05, -3)), "different": ((0.1, 5), (0.3, -2)),
          "extreme": ((0.9, 127), (1e-4, -128))}


def _model(kind, a_shape, b_shape, dtype, qa=None, qb=None, const_b=None, out_dtype="bool",
           out_shape=None):
    mb = ModelBuilder()
    qa = {"scale": qa[0], "zero_point": qa[1]} if qa else {}
    qb = {"scale": qb[0], "zero_point": qb[1]} if qb else {}
    a = mb.tensor(a_shape, dtype, name="a", **qa)
    b = (mb.const(np.asarray(const_b, NP[dtype]), **qb) if const_b is not None
         else mb.tensor(b_shape, dtype, name="b", **qb))
    shape = out_shape or list(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    y = mb.tensor(shape, out_dtype, name="y")
    mb.op(kind, [a, b], [y])
    return mb.build([a] if const_b is not None else [a, b], [y])


def _sets(shapes, dtype, seed=0):
    return [[np.asarray(x).reshape(s) for x, s in zip(xs, shapes)]
            for xs in _raw_sets(shapes, dtype, seed)]


def _raw_sets(shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    if dtype == "int8":          # narrow ranges so that equal real values occur
        sets = [[rng.integers(lo, hi, size=s).astype(np.int8) for s in shapes]
                for lo, hi in ((-8, 8), (0, 12), (-128, 128))]
        sets.append([np.resize(np.array([-128, 127, 0, 8, -1, 5, -2], np.int8), max(1, int(np.prod(s)))) for s in shapes])
        return sets
    if dtype == "int32":
        sets = [[rng.integers(-4, 4, size=s).astype(np.int32) for s in shapes],
                [rng.integers(-2**31, 2**31, size=s, dtype=np.int64).astype(np.int32)
                 for s in shapes]]
        sets.append([np.resize(np.array([-2**31, 2**31 - 1, 0, -1, 1], np.int32), int(np.prod(s)))
                     for s in shapes])
        return sets
    vals = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5, -1.5, 1e-45, 3e38], np.float32)
    return [[rng.integers(-3, 3, size=s).astype(np.float32) / 2 for s in shapes],
            [(rng.standard_normal(s) * 10).astype(np.float32) for s in shapes],
            [np.resize(vals, int(np.prod(s))) for s in shapes],
            [np.resize(vals[::-1], int(np.prod(s))) for s in shapes]]


@pytest.mark.parametrize("kind", OPS)
@pytest.mark.parametrize("quant", list(QUANTS))
def test_int8(tflm_check, kind, quant):
    qa, qb = QUANTS[quant]
    for i, (sa, sb) in enumerate(SHAPES[:5]):
        cm = tflm_check(_model(kind, sa, sb, "int8", qa, qb), _sets([sa, sb], "int8", i),
                        prefix=f"m{i}")
        assert [(op.kind, op.dtype) for op in cm.graph.operators] == [(kind, "int8")]


@pytest.mark.parametrize("dtype", ["int32", "float32"])
@pytest.mark.parametrize("kind", OPS)
def test_raw(tflm_check, kind, dtype):
    for i, (sa, sb) in enumerate(SHAPES):
        if len(sa) > 4 or len(sb) > 4:
            continue             # TFLM's BroadcastComparison4DSlow: at most 4-D
        cm = tflm_check(_model(kind, sa, sb, dtype), _sets([sa, sb], dtype, i), prefix=f"m{i}",
                        float_exact=True)
        assert [(op.kind, op.dtype) for op in cm.graph.operators] == [(kind, dtype)]


@pytest.mark.parametrize("dtype", ["int8", "int32", "float32"])
def test_five_dimensions_against_numpy(compile_to, dtype):
    """TFLM refuses broadcasting beyond 4-D; the loops unroll the outer dimension."""
    from tests.helpers.hostrun import HostModel
    sa, sb = SHAPES[5]
    q = QUANTS["same"]
    model = _model("LESS_EQUAL", sa, sb, dtype, *(q if dtype == "int8" else (None, None)))
    _, out = compile_to(model)
    sets = _sets([sa, sb], dtype)
    with HostModel(out, "model") as host, np.errstate(invalid="ignore"):
        for (a, b), got in zip(sets, host.run(sets)):
            assert got[0] == np.less_equal(a, b).astype(np.uint8).tobytes()


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_constant_operand(tflm_check, dtype):
    q = QUANTS["different"] if dtype == "int8" else (None, None)
    const = np.array([[-1], [0], [3]]) if dtype == "int8" else np.array([[0.5], [-0.0], [np.nan]])
    model = _model("GREATER", [2, 1, 4], [3, 1], dtype, *q, const_b=const)
    tflm_check(model, [[s[0]] for s in _sets([[2, 1, 4]], dtype)], float_exact=True)


@pytest.mark.parametrize("dtype", ["int32", "float32"])
@pytest.mark.parametrize("kind", OPS)
def test_evaluate_matches_tflm(kind, dtype):
    from tests.helpers.tflm import run_tflm
    model = _model(kind, [2, 3], [3], dtype)
    a, b = _sets([[2, 3], [3]], dtype, 5)[2]
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data, g.t(op.inputs[1]).data = a, b
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [a, b])[0])


def test_refuses_an_input_scale_of_one_or_more():
    with pytest.raises(UnsupportedError, match=r"LESS: input scale 1.5 is not below 1"):
        compile_model(_model("LESS", [2, 3], [3], "int8", (1.5, 0), (0.1, 0)))


def test_refuses_mixed_input_types():
    mb = ModelBuilder()
    a = mb.tensor([3], "float32", name="a")
    b = mb.tensor([3], "int32", name="b")
    y = mb.tensor([3], "bool", name="y")
    mb.op("EQUAL", [a, b], [y])
    with pytest.raises((MalformedModelError, UnsupportedError), match="EQUAL"):
        compile_model(mb.build([a, b], [y]))


def test_refuses_a_non_bool_output():
    with pytest.raises(UnsupportedError, match=r"operator #0 GREATER: "):
        compile_model(_model("GREATER", [3], [3], "float32", out_dtype="float32"))


def test_refuses_int16():
    with pytest.raises(UnsupportedError, match=r"EQUAL: .*int16"):
        compile_model(_model("EQUAL", [3], [3], "int16", (0.1, 0), (0.1, 0)))


def test_refuses_shapes_that_do_not_broadcast():
    with pytest.raises(MalformedModelError, match=r"NOT_EQUAL: input shapes \[2, 3\] and \[2\] "
                                                  r"do not broadcast"):
        compile_model(_model("NOT_EQUAL", [2, 3], [2], "float32", out_shape=[2, 3]))
