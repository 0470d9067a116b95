"""RSQRT (ops/rsqrt.py) against TFLM: every input byte from the input zero point up (TFLM refuses
inputs below it at run time) end to end through the generated lookup, and the host table against
TFLM over random input and output quantizations (GetInvSqrtQuantizedMultiplierExp's integer
Newton-Raphson, every input difference 0..255). int16 (ops/int16/rsqrt.py): every value 0..32767
over 8 scale pairs, shapes, constant folding, the zero-point refusal."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import random_quant, table_of, unary_model
from tests.helpers.tflm import run_tflm


def from_zero_point(zp: int) -> np.ndarray:
    """256 int8 values covering zp..127 (repeated), the inputs TFLM accepts."""
    vals = np.arange(zp, 128)
    return np.resize(vals, 256).astype(np.int8).reshape(1, 256)


@pytest.mark.parametrize("qi,qo", [((0.05, -128), (0.1, -128)), ((1e-3, -128), (0.5, 0)),
                                   ((1.0, -128), (0.01, -100)), ((0.2, 0), (0.05, 3)),
                                   ((0.003, 100), (0.3, -128)), ((4.0, -20), (1 / 256, -128)),
                                   ((0.02, 127), (0.5, 10))])
def test_all_values(tflm_check, qi, qo):
    tflm_check(unary_model("RSQRT", qi, qo), [[from_zero_point(qi[1])]])


@pytest.mark.parametrize("seed", [0, 1])
def test_table_sweep(seed):
    rng = np.random.default_rng(seed)
    for _ in range(60):
        qi, qo = random_quant(rng), random_quant(rng)
        qi = (qi[0], int(rng.integers(-128, 0)))
        data = unary_model("RSQRT", qi, qo)
        x = from_zero_point(qi[1])
        ref = run_tflm(data, x, arena_size=1 << 16)[0].reshape(-1)
        got = table_of(data)[x.reshape(-1).astype(np.int64) + 128]
        bad = np.nonzero(ref != got)[0]
        assert bad.size == 0, f"RSQRT {qi} -> {qo}: input {x[0, bad[0]]} TFLM {ref[bad[0]]} " \
                              f"ours {got[bad[0]]}"


def test_below_zero_point_is_the_maximum():
    table = table_of(unary_model("RSQRT", (0.1, 0), (0.1, 0)))
    assert (table[:129] == 127).all()


# --- float32 (ops/float32/rsqrt.py) ----------------------------------------------------------

def test_float32(tflm_check):
    """TFLM's 1.f / std::sqrt(x): te_sqrtf correctly rounded, so bit for bit (NaN below 0,
    inf at +-0)."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "RSQRT", exact=True)


def test_float32_positive(tflm_check):
    from tests.helpers.sweeps import FLOAT_SPECIAL, float_unary_check
    float_unary_check(tflm_check, "RSQRT", positive=True, exact=True,
                      special=np.abs(FLOAT_SPECIAL))


# --- int16 (ops/int16/rsqrt.py) --------------------------------------------------------------

NON_NEGATIVE_INT16 = np.arange(0, 32768, dtype=np.int16).reshape(1, 32768)
INT16_QUANT = [((1e-3, 0), (1e-3, 0)), ((1e-3, 0), (2e-2, 0)), ((1.0, 0), (1 / 32768, 0)),
               ((1 / 32768, 0), (1 / 128, 0)), ((3e-5, 0), (1e-2, 0)), ((0.5, 0), (1e-5, 0)),
               ((1e-4, 0), (1.0, 0)), ((7.0, 0), (3e-4, 0))]


@pytest.mark.parametrize("qi,qo", INT16_QUANT, ids=[f"{a[0]:g}-{b[0]:g}" for a, b in INT16_QUANT])
def test_int16_every_non_negative_value(tflm_check, qi, qo):
    """Every int16 value TFLM accepts (0 .. 32767; it stops on a negative one)."""
    from tests.helpers.int16models import unary16_model
    data = unary16_model("RSQRT", (1, 32768), qi=qi, qo=qo)
    cm = tflm_check(data, [[NON_NEGATIVE_INT16], [NON_NEGATIVE_INT16[:, ::-1].copy()]])
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("shape", [(1,), (3, 5), (2, 3, 4, 5), (1, 2, 3, 2, 7)])
def test_int16_shapes(tflm_check, shape):
    from tests.helpers.int16models import unary16_model
    data = unary16_model("RSQRT", shape, qi=(1e-3, 0), qo=(3e-3, 0))
    rng = np.random.default_rng(3)
    tflm_check(data, [[rng.integers(0, 32768, shape).astype(np.int16)],
                      [np.full(shape, 32767, np.int16)], [np.zeros(shape, np.int16)]])


def test_int16_evaluate_matches_tflm():
    from tests.helpers.int16models import unary16_model
    from tinyengine_pio.frontend import read_model
    from tinyengine_pio.ops import lookup
    model = unary16_model("RSQRT", (1, 32768), qi=(1e-3, 0), qo=(2e-3, 0))
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data = NON_NEGATIVE_INT16
    op.dtype = "int16"
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [NON_NEGATIVE_INT16])[0])
    g.t(op.inputs[0]).data = np.array([[-1, -32768]], np.int16)
    g.t(op.inputs[0]).shape = (1, 2)
    g.t(op.outputs[0]).shape = (1, 2)
    assert lookup(op).evaluate(g, op)[0].tolist() == [[32767, 32767]]


@pytest.mark.parametrize("qi,qo", [((1e-3, 4), (1e-3, 0)), ((1e-3, 0), (1e-3, -2))])
def test_int16_refuses_a_zero_point(qi, qo):
    from tests.helpers.int16models import unary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="RSQRT needs zero points 0"):
        compile_model(unary16_model("RSQRT", (1, 8), qi=qi, qo=qo))
