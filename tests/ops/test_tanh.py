"""TANH: the host-built 256-entry table against TFLM over a random sweep of input
quantizations (TFLM ignores the output quantization, always Q0.7, and so do we), and the generated
lookup (kernels/lut.c) end to end on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import (
    ALL_INT8,
    LUT_IN_Q,
    random_quant,
    sweep,
    table_of,
    unary_model,
)
from tests.helpers.tflm import run_tflm


@pytest.mark.parametrize("seed", [0, 1])
def test_table_sweep(seed):
    sweep("TANH", lambda rng, qi: (1 / 128, 0), seed)


def test_table_sweep_any_output_quantization():
    sweep("TANH", lambda rng, qi: random_quant(rng, -3, 0), seed=2, n=60)


@pytest.mark.parametrize("qi", [(1e-3, 0), (1.0, 0), (1.0, -128), (30.0, 127), (2 ** -4, 3)])
def test_table_extremes(qi):
    data = unary_model("TANH", qi, (1 / 128, 0))
    np.testing.assert_array_equal(table_of(data), run_tflm(data, ALL_INT8)[0].reshape(-1))


@pytest.mark.parametrize("qi", LUT_IN_Q)
def test_lookup_matches_tflm(tflm_check, qi):
    tflm_check(unary_model("TANH", qi, (1 / 128, 0)), [[ALL_INT8]])


# --- float32 (ops/float32/tanh.py) -----------------------------------------------------------

def test_float32(tflm_check):
    """std::tanh as te_tanhf: within the float tolerance."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "TANH")


def test_float32_dense(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    v = np.concatenate([np.linspace(-12, 12, 4001), np.linspace(-0.07, 0.07, 501)])
    v = v.astype(np.float32)
    tflm_check(float_unary_model("TANH", v.shape), [[v]])


# --- int16 (ops/int16/tanh.py) ---------------------------------------------------------------

# LOGISTIC's input scales plus TANH's second POT scale 2^-11 (and within CheckedLog2's 1e-3)
INT16_SCALES = [2.0 ** -12, 2.0 ** -12 * 1.0005, 2.0 ** -11, 2.0 ** -11 * 0.9995, 2.0 ** -10,
                2.0 ** -13, 2.0 ** -15, 1 / 12288, 1e-4, 3.3e-5, 7.7e-4, 0.0123, 0.25, 1.0, 3.0,
                5.3, 1e-7, 1e-13, 4e-14]


@pytest.mark.parametrize("qi", INT16_SCALES)
def test_int16_every_value(tflm_check, qi):
    """reference_integer_ops::Tanh(int16) on every int16 value, byte-exact."""
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "TANH", (qi, 0), (2.0 ** -15, 0))


def test_int16_shapes(tflm_check):
    from tests.helpers.int16models import int16_sets, unary16_model
    data = unary16_model("TANH", (3, 4, 11), qi=(2.0 ** -11, 0), qo=(2.0 ** -15, 0))
    tflm_check(data, int16_sets(data))


def test_int16_output_scale_within_checked_log2(tflm_check):
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "TANH", (2e-4, 0), (2.0 ** -15 * 0.9994, 0))


def test_int16_after_logistic_shares_the_table(tflm_check):
    """LOGISTIC -> TANH (its Q0.15 input is the POT-free general path, 2^-15) on every int16
    value; the sigmoid table is emitted once for both."""
    from tests.helpers.builder import ModelBuilder
    from tests.helpers.int16models import ALL_INT16
    mb = ModelBuilder()
    x = mb.tensor([1, 65536], "int16", scale=4e-4, zero_point=0)
    y = mb.tensor([1, 65536], "int16", scale=2.0 ** -15, zero_point=0)
    z = mb.tensor([1, 65536], "int16", scale=2.0 ** -15, zero_point=0)
    mb.op("LOGISTIC", [x], [y])
    mb.op("TANH", [y], [z])
    cm = tflm_check(mb.build([x], [z]), [[ALL_INT16]])
    assert [o.dtype for o in cm.graph.operators] == ["int16", "int16"]
    assert cm.files["model.c"].count("uint16_t model_sigmoid_table") == 1


@pytest.mark.parametrize("qi, qo, match", [
    ((1e-3, -3), (2.0 ** -15, 0), "input zero point must be 0"),
    ((1e-3, 0), (2.0 ** -15, 1), "output zero point must be 0"),
    ((1e-3, 0), (1 / 32000, 0), "output scale must be 2\\^-15"),
    ((1e-3, 0), (2.0 ** -16, 0), "output scale must be 2\\^-15"),
])
def test_int16_refuses_what_tflm_refuses(qi, qo, match):
    from tests.helpers.int16models import ALL_INT16, unary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    data = unary16_model("TANH", (1, 65536), qi=qi, qo=qo)
    with pytest.raises(UnsupportedError, match=match):
        compile_model(data)
    with pytest.raises(RuntimeError):
        run_tflm(data, ALL_INT16)


@pytest.mark.parametrize("qi, match", [(3e-14, "too small"), (5.34, "too large")])
def test_int16_refuses_overflowing_scales(qi, match):
    """TFLM runs these with undefined behaviour (see tests/ops/test_logistic.py)."""
    from tests.helpers.int16models import unary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match=match):
        compile_model(unary16_model("TANH", (1, 8), qi=(qi, 0), qo=(2.0 ** -15, 0)))
