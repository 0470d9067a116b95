"""SOFTMAX int8 against TFLM: depths 1..1000, input scales, beta, zero points, several rows."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder


def softmax_model(shape=(1, 10), in_q=(0.1, -3), beta=1.0) -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(shape, "int8", scale=in_q[0], zero_point=in_q[1])
    y = mb.tensor(shape, "int8", scale=1 / 256, zero_point=-128)
    mb.op("SOFTMAX", [x], [y], dict(beta=beta))
    return mb.build([x], [y])


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (1, 10), (1, 256), (4, 3, 7), (1, 5, 5, 12)])
def test_depth(tflm_check, shape):
    tflm_check(softmax_model(shape))


def test_long_rows(tflm_check):
    # TFLM itself aborts (exponent > 31) when more than 256 equal values share a row, so the
    # long-row case uses random rows only.
    rng = np.random.default_rng(7)
    tflm_check(softmax_model((2, 1000)),
               [[rng.integers(-128, 128, size=(2, 1000)).astype(np.int8)] for _ in range(3)])


@pytest.mark.parametrize("in_q", [(1e-3, 0), (0.01, -128), (0.0625, 5), (0.5, 127), (2.0, 0)])
@pytest.mark.parametrize("beta", [1.0, 0.37, 3.0])
def test_scales_and_beta(tflm_check, in_q, beta):
    rng = np.random.default_rng(3)
    sets = [[rng.integers(-128, 128, size=(2, 50)).astype(np.int8)] for _ in range(3)]
    sets.append([np.tile(np.arange(-128, 127, 5, dtype=np.int8)[:50], (2, 1))])
    tflm_check(softmax_model((2, 50), in_q, beta), sets)


def test_wrong_output_quantization_is_refused():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    mb.op("SOFTMAX", [x], [y])
    with pytest.raises(UnsupportedError, match="scale 1/256 and zero point -128"):
        compile_model(mb.build([x], [y]))


@pytest.mark.parametrize("in_q,beta", [((10.0, 0), 5.0), ((40.0, -7), 1.0), ((0.5, 3), 63.0)])
def test_capped_multiplier(tflm_check, in_q, beta):
    # beta * scale * 2^26 above 2^31 - 1 is capped there: diff_min becomes 0 and every
    # non-maximal entry outputs -128.
    rng = np.random.default_rng(5)
    sets = [[rng.integers(-128, 128, size=(3, 20)).astype(np.int8)] for _ in range(3)]
    sets.append([np.array([[5] * 20, [5, 6] * 10, [-128, 127] * 10], np.int8)])
    tflm_check(softmax_model((3, 20), in_q, beta), sets)


def test_rank1(tflm_check):
    tflm_check(softmax_model((37,)))
