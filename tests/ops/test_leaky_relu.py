"""LEAKY_RELU (ops/leaky_relu.py) against TFLM on all 256 input values: alphas in (0, 1), above
1, zero and negative; extreme scales and zero points; random quantizations (table sweep)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import ALL_INT8, leaky_relu_model, random_quant, table_of
from tests.helpers.tflm import run_tflm

CASES = [(0.2, (0.05, -3), (0.05, -3)), (0.01, (0.1, 100), (0.02, -128)),
         (0.3, (1e-3, 0), (0.5, 0)), (1.5, (0.05, 20), (0.04, -10)), (0.0, (0.05, -3), (0.03, 5)),
         (-0.5, (0.05, -3), (0.05, -3)), (0.1, (1.0, -128), (1e-2, 127)),
         (0.1, (0.02, 127), (0.02, 127))]


@pytest.mark.parametrize("alpha,qi,qo", CASES)
def test_all_values(tflm_check, alpha, qi, qo):
    tflm_check(leaky_relu_model(alpha, qi, qo), [[ALL_INT8]])


def test_4d(tflm_check):
    tflm_check(leaky_relu_model(0.2, (0.05, -3), (0.04, 2), shape=(1, 5, 3, 7)))


def test_table_sweep():
    """Random input and output quantizations and alphas: the host table equals TFLM."""
    rng = np.random.default_rng(17)
    for _ in range(60):
        qi = random_quant(rng)
        qo = (qi[0] * float(10 ** rng.uniform(-1, 1)), int(rng.integers(-128, 128)))
        alpha = float(rng.choice([rng.uniform(0, 1), rng.uniform(-1, 0), rng.uniform(1, 3)]))
        data = leaky_relu_model(alpha, qi, qo)
        ref = run_tflm(data, ALL_INT8, arena_size=1 << 16)[0].reshape(-1)
        got = table_of(data)
        bad = np.nonzero(ref != got)[0]
        assert bad.size == 0, (f"alpha {alpha} in {qi} out {qo}: input {bad[0] - 128} TFLM "
                               f"{ref[bad[0]]} ours {got[bad[0]]}")


# --- float32 (ops/float32/leaky_relu.py) -----------------------------------------------------

@pytest.mark.parametrize("alpha", [0.0, 0.2, 0.01, -0.5, 1.0, 1.7, 3.4e38])
def test_float32(tflm_check, alpha):
    """TFLM's `x > 0 ? x : x * alpha`, for any alpha (negative, above one, huge)."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "LEAKY_RELU", options={"alpha": alpha}, exact=True)


def test_float32_infinite_alpha_is_refused():
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    mb = ModelBuilder()
    x, y = mb.tensor([4], "float32"), mb.tensor([4], "float32")
    mb.op("LEAKY_RELU", [x], [y], {"alpha": float("inf")})
    with pytest.raises(UnsupportedError, match="#0 LEAKY_RELU: alpha inf is not finite"):
        compile_model(mb.build([x], [y]))


# --- int16 (ops/int16/leaky_relu.py) ---------------------------------------------------------

INT16_CASES = [(0.2, (1e-4, 0), (1e-4, 0)), (0.01, (3e-4, 0), (1e-4, 0)),
               (0.3, (1e-3, 0), (0.5, 0)), (1.5, (1e-4, 20), (2e-4, -10)),
               (0.0, (1e-4, 0), (1e-4, 0)), (-0.5, (1e-4, 0), (1e-4, 0)),
               (0.1, (1.0, -32768), (1e-2, 32767)), (0.1, (1e-4, 32767), (1e-4, 32767))]


@pytest.mark.parametrize("alpha,qi,qo", INT16_CASES)
def test_int16_all_values(tflm_check, alpha, qi, qo):
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "LEAKY_RELU", qi, qo, dict(alpha=alpha))
