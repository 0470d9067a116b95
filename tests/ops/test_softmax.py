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


# --- float32 (ops/float32/softmax.py) --------------------------------------------------------

def _float_softmax(shape, beta=1.0) -> bytes:
    from tests.helpers.sweeps import float_unary_model
    return float_unary_model("SOFTMAX", shape, dict(beta=beta))


def _float_stability_sets(shape):
    """Rows TFLM keeps finite by subtracting the maximum: huge, hugely negative, equal, one
    dominant entry, signed zeros, -FLT_MAX and infinities."""
    n = int(np.prod(shape))
    big = 3.4e38
    vals = [np.full(n, 1e30), np.full(n, -1e30), np.linspace(-big, big, n),
            np.resize([1e4, -1e4, 0.0, -0.0], n), np.resize([88.0, -104.0, 0.5], n),
            np.resize([-big, -big, 3.0], n), np.resize([np.inf, 1.0, -np.inf], n),
            np.resize([-np.inf], n)]
    return [[np.asarray(v, np.float32).reshape(shape)] for v in vals]


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (1, 10), (1, 300), (4, 3, 7), (1, 5, 5, 12),
                                   (37,)])
def test_float32_shapes(tflm_check, shape):
    from tests.helpers.sweeps import float_sets
    cm = tflm_check(_float_softmax(shape), float_sets([shape]))
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


@pytest.mark.parametrize("beta", [1.0, 0.37, 3.0, 1e-3, 50.0, 0.0, -1.0])
def test_float32_beta(tflm_check, beta):
    from tests.helpers.sweeps import float_sets
    tflm_check(_float_softmax((3, 17), beta), float_sets([(3, 17)], seed=1))


@pytest.mark.parametrize("shape", [(1, 1), (2, 12)])
def test_float32_large_and_negative_inputs(tflm_check, shape):
    tflm_check(_float_softmax(shape), _float_stability_sets(shape))


def test_float32_constant_folds():
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    mb = ModelBuilder()
    c = mb.const(np.array([[1.0, 2.0, 3.0], [-5.0, 0.0, 5.0]], np.float32))
    s = mb.tensor([2, 3], "float32")
    x = mb.tensor([2, 3], "float32")
    y = mb.tensor([2, 3], "float32")
    mb.op("SOFTMAX", [c], [s], dict(beta=1.0))
    mb.op("ADD", [x, s], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]
    want = np.exp([[1.0, 2.0, 3.0], [-5.0, 0.0, 5.0]])
    want /= want.sum(axis=1, keepdims=True)
    folded = cm.graph.t(cm.graph.operators[0].inputs[1])
    assert folded.is_const
    np.testing.assert_allclose(folded.data, want, rtol=1e-6)


def test_float32_infinite_beta_is_malformed():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError
    with pytest.raises(MalformedModelError, match="beta is inf"):
        compile_model(_float_softmax((1, 4), np.inf))


# --- int16 (ops/int16/softmax.py) ------------------------------------------------------------

def _softmax16(shape, scale, beta=1.0, qo=(1 / 32768, 0)):
    from tests.helpers.int16models import unary16_model
    return unary16_model("SOFTMAX", shape, qi=(scale, 0), qo=qo, options=dict(beta=beta))


def _check16(tflm_check, data, sets=None):
    from tests.helpers.int16models import int16_sets
    cm = tflm_check(data, sets or int16_sets(data))
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (1, 10), (3, 37), (2, 3, 17), (1, 1000),
                                   (2, 2, 2, 9)])
def test_int16_shapes(tflm_check, shape):
    _check16(tflm_check, _softmax16(shape, 1e-3))


@pytest.mark.parametrize("scale,beta", [(1e-5, 1.0), (1e-4, 1.0), (3e-4, 0.7), (1 / 4096, 1.0),
                                        (1e-3, 2.5), (0.01, 1.0), (0.5, 1.0), (1e-4, 40.0)])
def test_int16_scales_and_beta(tflm_check, scale, beta):
    _check16(tflm_check, _softmax16((2, 50), scale, beta))


def test_int16_every_difference(tflm_check):
    """Rows holding every int16 value once (with the row maximum 32767 or smaller), so every
    requantized difference meets both LUTs."""
    every = np.arange(-32768, 32768, dtype=np.int16).reshape(512, 128)
    shuffled = np.random.default_rng(3).permutation(every.reshape(-1)).reshape(512, 128)
    _check16(tflm_check, _softmax16((512, 128), 2e-4), [[every], [shuffled]])


def test_int16_output_scale_tolerance(tflm_check):
    """TFLM accepts an output scale within 0.1 % of 1/32768."""
    _check16(tflm_check, _softmax16((2, 20), 1e-3, qo=(1 / 32768 * 1.0009, 0)))


def test_int16_refusals():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="scale 1/32768"):
        compile_model(_softmax16((1, 8), 1e-3, qo=(1 / 16384, 0)))
    with pytest.raises(UnsupportedError, match="zero points must be 0"):
        compile_model(_softmax16((1, 8), 1e-3, qo=(1 / 32768, 5)))



# --- int8 input, int16 output (ops/int16/softmax.py: reference_ops::Softmax<int8_t, int16_t>) -

def _softmax8to16(shape, qi=(0.1, -3), beta=1.0, qo=(1 / 65536, -32768)):
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor(shape, "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(shape, "int16", scale=qo[0], zero_point=qo[1])
    mb.op("SOFTMAX", [x], [y], {"beta": beta})
    return mb.build([x], [y])


def _check8to16(tflm_check, data, sets=None):
    cm = tflm_check(data, sets)
    assert [op.dtype for op in cm.graph.operators] == ["int16"]
    assert "te_softmax_s8_s16(" in cm.files["model.c"]


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (1, 10), (3, 37), (2, 3, 17), (1, 1000),
                                   (2, 2, 2, 9), (7,)])
def test_int8_to_int16_shapes(tflm_check, shape):
    _check8to16(tflm_check, _softmax8to16(shape))


@pytest.mark.parametrize("in_q,beta", [((0.1, -3), 1.0), ((1e-3, 0), 1.0), ((0.02, 127), 0.7),
                                       ((0.5, -128), 1.0), ((1 / 16, 5), 2.5), ((0.1, 0), 40.0),
                                       ((3.0, 0), 1.0), ((1e-5, 0), 1.0)])
def test_int8_to_int16_scales_and_beta(tflm_check, in_q, beta):
    _check8to16(tflm_check, _softmax8to16((4, 50), in_q, beta))


def test_int8_to_int16_every_difference(tflm_check):
    """Rows holding every int8 value (each difference 0..-255 against the row maximum 127), and
    rows of one value (the all-equal sum), at a scale whose diff_min cuts the table."""
    every = np.arange(-128, 128, dtype=np.int8)
    rng = np.random.default_rng(5)
    rows = np.stack([every, every[::-1], rng.permutation(every), np.full(256, 7, np.int8)])
    for in_q in ((0.1, 0), (0.25, -20)):
        _check8to16(tflm_check, _softmax8to16((4, 256), in_q), [[rows]])


def test_int8_to_int16_longest_row(tflm_check):
    """4095 equal maxima: the Q12.19 sum of exps at its int32 limit."""
    data = _softmax8to16((1, 4095), (0.05, 0))
    _check8to16(tflm_check, data, [[np.full((1, 4095), 100, np.int8)],
                                   [np.random.default_rng(1).integers(-128, 128, (1, 4095))
                                    .astype(np.int8)]])


def test_int8_to_int16_output_scale_tolerance(tflm_check):
    """TFLM accepts an output scale within 0.1 % of 1/65536."""
    _check8to16(tflm_check, _softmax8to16((2, 20), qo=(1 / 65536 * 0.9991, -32768)))


@pytest.mark.parametrize("shape,qo,match", [
    ((1, 8), (1 / 65536, 0), "zero point -32768"),
    ((1, 8), (1 / 32768, -32768), "scale 1/65536"),
    ((1, 4096), (1 / 65536, -32768), "overflows int32"),
])
def test_int8_to_int16_refusals(shape, qo, match):
    from tests.helpers.tflm import run_tflm
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    data = _softmax8to16(shape, qo=qo)
    with pytest.raises(UnsupportedError, match=match):
        compile_model(data)
    if shape[-1] < 4096:          # TFLM's own refusals (the long row it runs, overflowing)
        with pytest.raises(RuntimeError):
            run_tflm(data, np.zeros(shape, np.int8))
