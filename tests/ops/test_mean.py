"""MEAN against TFLM: over H and W, C, H, two axes incl. the batch, keep_dims or not."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("case", [dict(axis=(1, 2), keep_dims=True),
                                  dict(axis=(1, 2), keep_dims=False),
                                  dict(axis=(3,), keep_dims=False),
                                  dict(axis=(1,), keep_dims=True),
                                  dict(in_shape=(1, 160, 3, 3), axis=(3,), keep_dims=False),
                                  dict(in_shape=(2, 5, 7, 3), axis=(0, 2), keep_dims=True),
                                  dict(in_shape=(1, 25, 25, 2), axis=(1, 2), keep_dims=True)],
                         ids=["hw_keep", "hw", "c", "h_keep", "mcunet_last", "two_axes", "625"])
def test_mean(tflm_check, case):
    tflm_check(opmodels.mean(**case))


# --- float32 (ops/float32/mean.py, ops/float32/reduce.py) ---------------------------------

FLOAT_CASES = [((1, 6, 6, 8), (1, 2), True), ((1, 6, 6, 8), (1, 2), False),
               ((1, 6, 6, 8), (2, 1), True), ((1, 6, 6, 8), (-3, -2), True),
               ((2, 5, 7, 3), (3,), False), ((2, 5, 7, 3), (-1,), True),
               ((2, 5, 7, 3), (0, 2), True), ((2, 5, 7, 3), (2, 0, 2, -4), False),
               ((2, 5, 7, 3), (0, 1, 2, 3), False), ((2, 5, 7, 3), (0, 1, 2, 3), True),
               ((3, 1, 4, 5), (1,), False), ((4, 9), (0,), True), ((4, 9), (1,), False),
               ((23,), (0,), False), ((2, 3, 4), (2, 1), True), ((2, 3, 4), (1, 1, -2), True),
               ((2, 3, 2, 2, 3), (1, 3), False), ((1, 625, 3), (1,), True)]


def _float_case_id(c):
    return f"{'x'.join(map(str, c[0]))}_ax{'_'.join(map(str, c[1]))}{'_keep' if c[2] else ''}"


@pytest.mark.parametrize("case", FLOAT_CASES, ids=_float_case_id)
def test_float32_bit_equal(tflm_check, case):
    from tests.helpers.sweeps import float_reduce_model, float_sets
    shape, axis, keep = case
    cm = tflm_check(float_reduce_model("MEAN", shape, axis, keep), float_sets([shape]),
                    float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_special_values(tflm_check):
    """Signed zeros, infinities, NaN, +-FLT_MAX and overflowing sums, in every position."""
    from tests.helpers.sweeps import float_reduce_model
    shape = (3, 4, 6)
    vals = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 3.4e38, -3.4e38, 1e-45, -1.0, 2.5],
                    np.float32)
    rng = np.random.default_rng(3)
    sets = [[rng.choice(vals, size=shape).astype(np.float32)] for _ in range(6)]
    sets += [[np.full(shape, v, np.float32)] for v in (-0.0, -np.inf, np.inf, 3.4e38, np.nan)]
    for axis in [(1,), (0, 2), (-1,)]:
        tflm_check(float_reduce_model("MEAN", shape, axis, False), sets, float_exact=True)


def test_float32_constant_folds():
    """A constant input is reduced on the host in TFLM's order (bit-equal with the kernel)."""
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    rng = np.random.default_rng(7)
    data = (rng.standard_normal((3, 5, 4)) * 1e3).astype(np.float32)
    mb = ModelBuilder()
    c = mb.const(data)
    r = mb.tensor([3, 4], "float32")
    x = mb.tensor([3, 4], "float32")
    y = mb.tensor([3, 4], "float32")
    mb.op("MEAN", [c, mb.const(np.array([1], np.int32))], [r], dict(keep_dims=False))
    mb.op("ADD", [x, r], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]
    from tests.helpers.sweeps import float_reduce_model
    from tests.helpers.tflm import run_tflm_many
    ref = run_tflm_many(float_reduce_model("MEAN", (3, 5, 4), (1,)), [[data]])[0][0]
    got = cm.graph.t(cm.graph.operators[0].inputs[1]).data
    assert got.view(np.uint32).tolist() == ref.view(np.uint32).tolist()


# --- int16 (ops/int16/mean.py) ---------------------------------------------------------------

INT16_CASES = [((1, 6, 6, 8), (1, 2), True), ((1, 6, 6, 8), (1, 2), False),
               ((1, 6, 6, 8), (-3, -2), True), ((2, 5, 7, 3), (3,), False),
               ((2, 5, 7, 3), (0, 2), True), ((2, 5, 7, 3), (0, 1, 2, 3), False),
               ((4, 9), (1,), False), ((23,), (0,), True), ((2, 3, 4), (1, 1, -2), True),
               ((1, 25, 25, 2), (1, 2), True), ((1, 160, 3, 3), (3,), False),
               ((1, 2, 3, 4, 5), (1, 3), False)]


@pytest.mark.parametrize("shape,axis,keep", INT16_CASES,
                         ids=[f"{s}-{a}-{k}" for s, a, k in INT16_CASES])
def test_int16_axes(tflm_check, shape, axis, keep):
    from tests.helpers.int16models import int16_sets, mean16_model
    data = mean16_model(shape, axis, keep)
    cm = tflm_check(data, int16_sets(data))
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("qi,qo", [((1e-3, 0), (3e-4, 0)), ((3e-4, 0), (1e-3, 0)),
                                   ((1e-3, 100), (2e-3, -50)), ((0.5, -32768), (0.5, 32767)),
                                   ((1e-5, 0), (1.0, 0)), ((1.0, 0), (1e-3, 0))])
def test_int16_quantization(tflm_check, qi, qo):
    from tests.helpers.int16models import int16_sets, mean16_model
    data = mean16_model((1, 5, 5, 4), (1, 2), True, qi, qo)
    tflm_check(data, int16_sets(data))


def test_int16_refuses_an_overflowing_sum():
    from tests.helpers.int16models import mean16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="may overflow"):
        compile_model(mean16_model((1, 300, 300, 1), (1, 2), True))
