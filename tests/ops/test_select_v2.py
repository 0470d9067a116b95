"""SELECT_V2 (ops/select_v2.py) against TFLM: int8, int16, int32 and float32 (the byte kernel
per dtype), equal shapes and every broadcasting pattern of condition, x and y up to 4-D, a
constant x, float32 special values bit for bit; 5-D and constant folding against numpy; and the
refusals."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement
from tests.helpers.builder import ModelBuilder
from tests.helpers.hostrun import HostModel
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

DTYPES = ["int8", "int16", "int32", "float32"]
# (condition, x, y) shapes
SHAPES = [([2, 3], [2, 3], [2, 3]), ([2, 3], [3], [2, 3]), ([3], [2, 3], [1]),
          ([4, 1, 5], [1, 3, 1], [4, 3, 5]), ([1, 2, 1, 4], [3, 1, 1, 4], [1, 1, 5, 1]),
          ([1], [2, 2, 3, 4], [2, 2, 3, 4]), ([6, 7], [6, 1], [1, 7])]


def _model(shapes, dtype, const_x=None, out_shape=None, cond_dtype="bool"):
    mb = ModelBuilder()
    cs, xs, ys = shapes
    c = mb.tensor(cs, cond_dtype, name="c")
    x = (mb.const(np.asarray(const_x, movement.NP[dtype]), **movement.quant(dtype))
         if const_x is not None else movement.tensor(mb, xs, dtype, name="x"))
    y = movement.tensor(mb, ys, dtype, name="y")
    out = out_shape or list(np.broadcast_shapes(tuple(cs), tuple(xs), tuple(ys)))
    o = movement.tensor(mb, out, dtype, name="out")
    mb.op("SELECT_V2", [c, x, y], [o])
    inputs = [c, y] if const_x is not None else [c, x, y]
    return mb.build(inputs, [o])


def _sets(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for k, data in enumerate(movement.data_sets([(s, dtype) for s in shapes[1:]], seed)):
        cond = (rng.random(shapes[0]) < (0.5, 0.0, 1.0, 0.3)[k]).reshape(shapes[0])
        out.append([cond, *data])
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", SHAPES, ids=lambda s: "_".join("x".join(map(str, v)) for v in s))
def test_matches_tflm(tflm_check, compile_to, dtype, shapes):
    """int32: the wheel refuses it ("int8|int16|float32" only), numpy checks it."""
    if dtype == "int32":
        cm, out = compile_to(_model(shapes, dtype))
        sets = _sets(shapes, dtype)
        with HostModel(out, "model") as host:
            for (c, x, y), got in zip(sets, host.run(sets)):
                assert got[0] == np.where(c, x, y).astype(np.int32).tobytes()
    else:
        cm = tflm_check(_model(shapes, dtype), _sets(shapes, dtype), float_exact=True)
    assert [(op.kind, op.dtype) for op in cm.graph.operators] == [("SELECT_V2", dtype)]


def test_tflm_refuses_int32():
    from tests.helpers.tflm import run_tflm_many
    shapes = SHAPES[0]
    with pytest.raises(RuntimeError):
        run_tflm_many(_model(shapes, "int32"), _sets(shapes, "int32")[:1])


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_constant_x(tflm_check, dtype):
    shapes = ([2, 3, 4], [3, 1], [2, 1, 4])
    cx = np.arange(3).reshape(3, 1) * (3 if dtype == "int8" else 1.25)
    sets = [[s[0], s[2]] for s in _sets(shapes, dtype)]
    tflm_check(_model(shapes, dtype, const_x=cx), sets, float_exact=True)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_five_dimensions_against_numpy(compile_to, dtype):
    shapes = ([2, 1, 3, 1, 2], [1, 2, 1, 4, 1], [2, 2, 3, 4, 2])
    _, out = compile_to(_model(shapes, dtype))
    sets = _sets(shapes, dtype)
    with HostModel(out, "model") as host, np.errstate(invalid="ignore"):
        for (c, x, y), got in zip(sets, host.run(sets)):
            assert got[0] == np.where(c, x, y).astype(movement.NP[dtype]).tobytes()


def test_evaluate():
    model = _model(SHAPES[3], "float32")
    c, x, y = _sets(SHAPES[3], "float32")[0]
    g = read_model(model)
    op = g.operators[0]
    for i, v in zip(op.inputs, (c, x, y)):
        g.t(i).data = v
    (got,) = lookup(op).evaluate(g, op)
    assert got.tobytes() == np.where(c, x, y).tobytes()


def test_refuses_shapes_that_do_not_broadcast():
    with pytest.raises(MalformedModelError, match=r"SELECT_V2: condition, x and y shapes "
                                                  r"\[\[2, 3\], \[2\], \[2, 3\]\] do not broadcast"):
        compile_model(_model(([2, 3], [2], [2, 3]), "float32", out_shape=[2, 3]))


def test_refuses_a_non_bool_condition():
    with pytest.raises(UnsupportedError, match=r"operator #0 SELECT_V2: .*expected bool"):
        compile_model(_model(([3], [3], [3]), "float32", cond_dtype="float32"))


def test_refuses_int64():
    with pytest.raises(UnsupportedError, match=r"operator #0 SELECT_V2: "):
        compile_model(_model(([3], [3], [3]), "int64"))
