"""RSQRT (ops/rsqrt.py) against TFLM: every input byte from the input zero point up (TFLM refuses
inputs below it at run time) end to end through the generated lookup, and the host table against
TFLM over random input and output quantizations (GetInvSqrtQuantizedMultiplierExp's integer
Newton-Raphson, every input difference 0..255)."""
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
