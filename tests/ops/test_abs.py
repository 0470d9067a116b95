"""ABS (ops/abs.py) against TFLM on all 256 input values: the same quantization in and out (no
rescaling), rescaling up and down, extreme zero points; a random-quantization table sweep. int16 (ops/int16/abs.py): every int16
value over scale ratios (left shifts past 16 bits too), unquantized, shapes, constant folding, the
zero-point refusal."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import ALL_INT8, random_quant, sweep, unary_model


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -3)), ((0.05, -128), (0.05, -128)),
                                   ((0.05, 127), (0.05, 127)), ((0.05, -3), (0.1, -128)),
                                   ((0.1, 100), (0.01, -128)), ((1e-3, 0), (0.5, 0)),
                                   ((1.0, -128), (1e-2, 127)), ((0.02, 0), (0.03, 10))])
def test_all_values(tflm_check, qi, qo):
    tflm_check(unary_model("ABS", qi, qo), [[ALL_INT8]])


def test_table_sweep():
    sweep("ABS", lambda rng, qi: random_quant(rng, -4.0, 1.5), seed=23, n=60)


def test_same_scale_sweep():
    sweep("ABS", lambda rng, qi: (qi[0], int(rng.integers(-128, 128))), seed=29, n=30)


# --- float32 (ops/float32/abs.py) ------------------------------------------------------------

def test_float32(tflm_check):
    """std::abs: the sign bit cleared, bit for bit."""
    from tests.helpers.sweeps import float_unary_check
    float_unary_check(tflm_check, "ABS", exact=True)


# --- int16 (ops/int16/abs.py) ----------------------------------------------------------------

INT16_QUANT = [((1e-3, 0), (1e-3, 0)), ((1e-3, 0), (2e-3, 0)), ((3e-3, 0), (1e-3, 0)),
               ((1e-3, 0), (0.7e-3, 0)), ((1.0, 0), (1e-5, 0)), ((1e-5, 0), (1.0, 0)),
               ((0.02, 0), (0.0213, 0))]


@pytest.mark.parametrize("qi,qo", INT16_QUANT,
                         ids=["same", "down", "up", "odd_up", "huge_up", "tiny", "odd_down"])
def test_int16_every_value(tflm_check, qi, qo):
    from tests.helpers.int16models import check_int16_unary_all
    check_int16_unary_all(tflm_check, "ABS", qi, qo)


def _abs16_unquantized(shape=(1, 65536)) -> bytes:
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x, y = mb.tensor(shape, "int16"), mb.tensor(shape, "int16")
    mb.op("ABS", [x], [y])
    return mb.build([x], [y])


def test_int16_unquantized_every_value(tflm_check):
    """std::abs cast back to int16: -32768 stays -32768."""
    from tests.helpers.int16models import ALL_INT16
    cm = tflm_check(_abs16_unquantized(), [[ALL_INT16]])
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("shape", [(1,), (3, 5), (2, 3, 4, 5), (1, 2, 3, 2, 7)])
def test_int16_shapes(tflm_check, shape):
    from tests.helpers.int16models import int16_sets, unary16_model
    data = unary16_model("ABS", shape, qi=(1e-3, 0), qo=(1.5e-3, 0))
    tflm_check(data, int16_sets(data))


@pytest.mark.parametrize("quantized", [True, False])
def test_int16_evaluate_matches_tflm(quantized):
    from tests.helpers.int16models import ALL_INT16, unary16_model
    from tests.helpers.tflm import run_tflm
    from tinyengine_pio.frontend import read_model
    from tinyengine_pio.ops import lookup
    model = (unary16_model("ABS", (1, 65536), qi=(3e-3, 0), qo=(1e-3, 0)) if quantized
             else _abs16_unquantized())
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data = ALL_INT16
    op.dtype = "int16"
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [ALL_INT16])[0])


@pytest.mark.parametrize("qi,qo", [((1e-3, 5), (1e-3, 0)), ((1e-3, 0), (1e-3, -3))])
def test_int16_refuses_a_zero_point(qi, qo):
    from tests.helpers.int16models import unary16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="ABS needs zero points 0"):
        compile_model(unary16_model("ABS", (1, 8), qi=qi, qo=qo))
