"""LOG_SOFTMAX (ops/log_softmax.py, kernels/portable/log_softmax.c) against TFLM: rows of every
length from 1 up to 300 elements, 2-D to 4-D, input scales from tiny (every difference below
diff_min but the maximum) to huge, random and constant rows, extreme values; and the output
quantization TFLite requires."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


def log_softmax_model(shape, qi, qo=(16 / 256, 127)) -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(list(shape), "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(list(shape), "int8", scale=qo[0], zero_point=qo[1])
    mb.op("LOG_SOFTMAX", [x], [y])
    return mb.build([x], [y])


def input_sets(shape, seed=0, n=4):
    rng = np.random.default_rng(seed)
    sets = [[rng.integers(-128, 128, size=shape, dtype=np.int8)] for _ in range(n)]
    sets.append([np.full(shape, 127, np.int8)])
    sets.append([np.full(shape, -128, np.int8)])
    sets.append([rng.integers(100, 128, size=shape, dtype=np.int8)])   # close values
    spiky = np.full(shape, -128, np.int8)
    spiky[..., 0] = 127
    sets.append([spiky])
    return sets


@pytest.mark.parametrize("shape", [(1, 10), (1, 1), (2, 7), (1, 256), (1, 300), (1, 3, 5),
                                   (1, 2, 3, 17), (4, 33)])
@pytest.mark.parametrize("qi", [(0.1, 0), (1 / 16, -128), (0.01, 5), (0.5, 127), (2.0, -3),
                                (1e-3, 0), (0.0421, -17), (1e-6, 0), (100.0, 9)])
def test_matches_tflm(tflm_check, shape, qi):
    tflm_check(log_softmax_model(shape, qi), input_sets(shape, seed=len(shape) + shape[-1]))


@pytest.mark.parametrize("seed", range(6))
def test_random_scales(tflm_check, seed):
    rng = np.random.default_rng(100 + seed)
    qi = (float(10 ** rng.uniform(-3.5, 1.2)), int(rng.integers(-128, 128)))
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 80)))
    tflm_check(log_softmax_model(shape, qi), input_sets(shape, seed=seed))


@pytest.mark.parametrize("qo", [(16 / 256, 0), (0.1, 127), (1 / 256, -128)])
def test_output_quantization_is_required(qo):
    with pytest.raises(UnsupportedError, match="scale 16/256 and zero point 127"):
        compile_model(log_softmax_model((1, 8), (0.1, 0), qo))


def test_tiny_input_scale_is_refused():
    with pytest.raises(UnsupportedError, match="input scale too small"):
        compile_model(log_softmax_model((1, 8), (1e-9, 0)))


# --- float32 (ops/float32/log_softmax.py) ----------------------------------------------------

def _float_sets(shape, seed=0):
    from tests.helpers.sweeps import float_sets
    n = int(np.prod(shape))
    sets = float_sets([shape], seed=seed)
    for v in ([1e30], [-1e30], [3.4e38, -3.4e38, 0.0], [1e4, -1e4, -0.0], [88.0, -104.0, 0.5],
              [7.0], [np.inf, 1.0], [-np.inf]):
        sets.append([np.resize(np.asarray(v, np.float32), n).reshape(shape)])
    return sets


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (1, 10), (2, 7), (1, 300), (1, 3, 5),
                                   (2, 2, 3, 9), (29,)])
def test_float32_matches_tflm(tflm_check, shape):
    from tests.helpers.sweeps import float_unary_model
    cm = tflm_check(float_unary_model("LOG_SOFTMAX", shape), _float_sets(shape))
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


@pytest.mark.parametrize("seed", range(3))
def test_float32_wide_inputs(tflm_check, seed):
    from tests.helpers.sweeps import float_unary_model
    rng = np.random.default_rng(seed)
    sets = [[(rng.standard_normal((4, 33)) * 10.0 ** rng.uniform(-6, 6)).astype(np.float32)]
            for _ in range(4)]
    tflm_check(float_unary_model("LOG_SOFTMAX", (4, 33)), sets)


def test_float32_to_int8_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([1, 8], "float32")
    y = mb.tensor([1, 8], "int8", scale=16 / 256, zero_point=127)
    mb.op("LOG_SOFTMAX", [x], [y])
    with pytest.raises(Exception, match="float32"):
        compile_model(mb.build([x], [y]))
