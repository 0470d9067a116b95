"""PRELU (ops/prelu.py) against TFLM: a constant alpha broadcast per channel, per position and as
a scalar, a full-shape alpha, a run-time alpha, all 256 input values against all 256 alpha
values, extreme scales and zero points (multipliers above and below one). int16 (ops/int16/prelu.py,
int8 alpha): broadcasting, a run-time alpha, every int16 value against every alpha value, scales
and zero points, and the refusal of an int16 alpha."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder

QX, QA, QO = (0.05, -3), (0.01, 10), (0.04, 2)


def _model(x_shape, a_shape, qx=QX, qa=QA, qo=QO, const=True, seed=0, dtype="int8",
           alpha_dtype="int8"):
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor(x_shape, dtype, scale=qx[0], zero_point=qx[1])
    if const:
        a = mb.const(rng.integers(-128, 128, a_shape).astype(alpha_dtype), scale=qa[0],
                     zero_point=qa[1])
    else:
        a = mb.tensor(a_shape, alpha_dtype, scale=qa[0], zero_point=qa[1])
    y = mb.tensor(np.broadcast_shapes(tuple(x_shape), tuple(a_shape)), dtype, scale=qo[0],
                  zero_point=qo[1])
    mb.op("PRELU", [x, a], [y])
    return mb.build([x, a] if not const else [x], [y])


@pytest.mark.parametrize("shapes", [((1, 4, 4, 8), (1, 1, 8)), ((1, 4, 4, 8), (8,)),
                                    ((1, 5, 3, 7), (5, 3, 7)), ((1, 4, 4, 3), (1,)),
                                    ((2, 3, 5), (2, 3, 5)), ((1, 4, 4, 6), (1, 4, 1, 1)),
                                    ((2, 1, 3, 2, 5), (3, 1, 5))],
                         ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(_model(*shapes))


@pytest.mark.parametrize("q", [((1e-3, 0), (0.5, -128), (0.01, 127)),
                               ((0.3, 50), (0.002, 0), (0.6, -50)),
                               ((1.0, -128), (1e-4, 127), (2e-3, 0)),
                               ((0.02, 127), (0.05, -128), (0.02, -128)),
                               ((0.05, -3), (0.2, 0), (0.05, -3))])
def test_scales(tflm_check, q):
    tflm_check(_model((1, 4, 4, 6), (1, 1, 6), *q))


def test_every_input_and_alpha_value(tflm_check):
    """A [256, 1] input column against a run-time [1, 256] alpha row: all 65536 pairs."""
    v = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    tflm_check(_model((256, 1), (1, 256), qx=(0.07, 3), qa=(0.01, -9), qo=(0.05, 2),
                      const=False), [[v, v.reshape(1, 256)]])


# --- int16 (ops/int16/prelu.py) ---------------------------------------------------------------

Q16 = dict(qx=(1e-3, 0), qa=(0.01, 3), qo=(1.5e-3, 0), dtype="int16")


@pytest.mark.parametrize("shapes", [((1, 4, 4, 8), (1, 1, 8)), ((1, 4, 4, 8), (8,)),
                                    ((1, 5, 3, 7), (5, 3, 7)), ((1, 4, 4, 3), (1,)),
                                    ((2, 3, 5), (2, 3, 5)), ((1, 4, 4, 6), (1, 4, 1, 1)),
                                    ((2, 1, 3, 2, 5), (3, 1, 5))],
                         ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("const", [True, False])
def test_int16_broadcast(tflm_check, shapes, const):
    data = _model(*shapes, const=const, **Q16)
    x_shape, a_shape = shapes
    sets = []
    for seed, (lo, hi) in enumerate([(-32768, 32768), (-300, 301), (-32768, -32767),
                                     (32767, 32768)]):
        rng = np.random.default_rng(seed)
        x = rng.integers(lo, hi, x_shape).astype(np.int16)
        sets.append([x] if const else [x, rng.integers(-128, 128, a_shape).astype(np.int8)])
    cm = tflm_check(data, sets)
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("q", [((1e-3, 0), (0.5, -128), (0.01, 0)),
                               ((0.3, 50), (0.002, 0), (0.6, -50)),
                               ((1.0, -32768), (1e-4, 127), (2e-3, 0)),
                               ((1e-4, 0), (0.02, -7), (1e-4, 0)),
                               ((2e-3, 100), (0.05, 0), (1e-5, 32767))],
                         ids=["tiny_in", "zero_points", "zp_min", "same", "left_shift"])
def test_int16_every_input_and_alpha_value(tflm_check, q):
    """Every int16 input value (a 256 x 256 grid) against all 256 alpha values (per column)."""
    from tests.helpers.int16models import ALL_INT16
    x = ALL_INT16.reshape(256, 256)
    alpha = np.arange(-128, 128, dtype=np.int8).reshape(256)
    data = _model((256, 256), (256,), *q, const=False, dtype="int16")
    cm = tflm_check(data, [[x, alpha], [x[::-1].copy(), alpha[::-1].copy()]])
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


def test_int16_refusals():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    # TFLM's PreluPrepare: an int16 output needs an int8 alpha
    with pytest.raises(UnsupportedError, match=r"operator #0 PRELU: the alpha is int16; TFLM's "
                                               r"int16 PRELU requires an int8 alpha"):
        compile_model(_model((1, 4, 4, 3), (3,), **{**Q16, "alpha_dtype": "int16"}))


# --- float32 (ops/float32/prelu.py) ----------------------------------------------------------

def _float_model(x_shape, a_shape, const=True, seed=0):
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor(x_shape, "float32")
    alpha = (rng.standard_normal(a_shape) * 0.5).astype(np.float32)
    a = mb.const(alpha) if const else mb.tensor(a_shape, "float32")
    y = mb.tensor(np.broadcast_shapes(tuple(x_shape), tuple(a_shape)), "float32")
    mb.op("PRELU", [x, a], [y])
    return mb.build([x] if const else [x, a], [y])


@pytest.mark.parametrize("shapes", [((1, 4, 4, 8), (1, 1, 8)), ((1, 4, 4, 8), (8,)),
                                    ((1, 4, 4, 8), (1, 4, 4, 8)), ((2, 3, 5), (3, 1)),
                                    ((7,), (1,)), ((1, 1, 1, 6), (2, 3, 1, 6))],
                         ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("const", [True, False], ids=["const-alpha", "input-alpha"])
def test_float32(tflm_check, shapes, const):
    """TFLM's `x >= 0 ? x : x * alpha` (BroadcastPrelu4DSlowFloat), bit for bit."""
    from tests.helpers.sweeps import float_sets
    sets = float_sets([shapes[0]] if const else list(shapes))
    cm = tflm_check(_float_model(*shapes, const=const), sets, float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_special_values(tflm_check):
    from tests.helpers.sweeps import FLOAT_SPECIAL
    n = FLOAT_SPECIAL.size
    data = _float_model((n, 1), (1, 5), const=False)
    alpha = np.array([[0.25, -1.0, 0.0, np.inf, np.nan]], np.float32)
    tflm_check(data, [[FLOAT_SPECIAL.reshape(n, 1), alpha]], float_exact=True)


def test_float32_5d_is_refused():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="#0 PRELU: rank 5"):
        compile_model(_float_model((1, 2, 2, 2, 3), (3,)))
