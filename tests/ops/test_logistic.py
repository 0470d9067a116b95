"""LOGISTIC: the host-built 256-entry table against TFLM over a random sweep of input
quantizations (the device kernel is a plain lookup, covered end to end in test_op_lut.py)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.tflm import run_tflm
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError

ALL_INT8 = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)


def unary_model(op: str, qi, qo) -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 256], "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor([1, 256], "int8", scale=qo[0], zero_point=qo[1])
    mb.op(op, [x], [y])
    return mb.build([x], [y])


def table_of(data: bytes) -> np.ndarray:
    return np.array(compile_model(data).graph.operators[0].params["table"], np.int8)


def random_quant(rng, lo=-4.0, hi=1.5):
    return float(10 ** rng.uniform(lo, hi)), int(rng.integers(-128, 128))


def sweep(op: str, out_quant, seed: int, n: int = 150) -> None:
    """n random input quantizations (scale 1e-4..30), output quantization out_quant(rng, qi);
    the table must equal TFLM on all 256 inputs."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        qi = random_quant(rng)
        data = unary_model(op, qi, out_quant(rng, qi))
        ref = run_tflm(data, ALL_INT8, arena_size=1 << 16)[0].reshape(-1)
        got = table_of(data)
        bad = np.nonzero(ref != got)[0]
        assert bad.size == 0, f"{op} in {qi}: input {bad[0] - 128} TFLM {ref[bad[0]]} ours {got[bad[0]]}"


@pytest.mark.parametrize("seed", [0, 1])
def test_table_sweep(seed):
    sweep("LOGISTIC", lambda rng, qi: (1 / 256, -128), seed)


@pytest.mark.parametrize("qi", [(1e-3, 0), (1.0, 0), (1.0, 127), (30.0, -128), (2 ** -5, 0)])
def test_table_extremes(qi):
    data = unary_model("LOGISTIC", qi, (1 / 256, -128))
    np.testing.assert_array_equal(table_of(data), run_tflm(data, ALL_INT8)[0].reshape(-1))


def test_output_zero_point_must_be_minus_128():
    with pytest.raises(UnsupportedError, match="zero point must be -128"):
        compile_model(unary_model("LOGISTIC", (0.1, 0), (1 / 256, 0)))
