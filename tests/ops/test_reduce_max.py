"""REDUCE_MAX (ops/reduce_max.py) against TFLM: one to four axes (negative and repeated ones
too), keep_dims or not, 1-D to 4-D inputs, extreme zero points; constant folding; and the
refusals (TFLM requires the same quantization in and out)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

CASES = [dict(axis=(1, 2), keep_dims=True), dict(axis=(1, 2), keep_dims=False),
         dict(axis=(3,), keep_dims=False), dict(axis=(-1,), keep_dims=True),
         dict(axis=(1,), keep_dims=True), dict(axis=(0, 1, 2, 3), keep_dims=False),
         dict(axis=(0, 1, 2, 3), keep_dims=True), dict(axis=(1, -3), keep_dims=False),
         dict(in_shape=(2, 5, 7, 3), axis=(0, 2), keep_dims=True),
         dict(in_shape=(2, 5, 7, 3), axis=(2, 0), keep_dims=False),
         dict(in_shape=(3, 1, 4, 5), axis=(1,), keep_dims=False),
         dict(in_shape=(4, 9), axis=(1,), keep_dims=False),
         dict(in_shape=(4, 9), axis=(0,), keep_dims=True),
         dict(in_shape=(23,), axis=(0,), keep_dims=False),
         dict(in_shape=(2, 3, 4), axis=(2, 1), keep_dims=True)]


def _id(c):
    return (f"{'x'.join(map(str, c.get('in_shape', (1, 6, 6, 8))))}_ax"
            f"{'_'.join(map(str, c['axis']))}{'_keep' if c['keep_dims'] else ''}")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_axes_and_keep_dims(tflm_check, case):
    cm = tflm_check(opmodels.reduce("REDUCE_MAX", **case))
    assert [op.kind for op in cm.graph.operators] == ["REDUCE_MAX"]


@pytest.mark.parametrize("q", [(0.05, -3), (1e-3, -128), (0.5, 127), (1.0, 0)])
def test_every_int8_value(tflm_check, q):
    # every int8 value once, reduced in groups of 16 and as a whole
    tflm_check(opmodels.reduce("REDUCE_MAX", (1, 16, 16), axis=(2,), keep_dims=False, in_q=q),
               [[ALL_INT8.reshape(1, 16, 16)], [ALL_INT8[::-1].reshape(1, 16, 16)]])
    tflm_check(opmodels.reduce("REDUCE_MAX", (1, 16, 16), axis=(1, 2), keep_dims=True, in_q=q),
               [[ALL_INT8.reshape(1, 16, 16)]])


def test_evaluate_matches_tflm():
    from tests.helpers.tflm import run_tflm
    model = opmodels.reduce("REDUCE_MAX", (2, 5, 7, 3), axis=(0, 2), keep_dims=False)
    x = np.random.default_rng(5).integers(-128, 128, size=(2, 5, 7, 3)).astype(np.int8)
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data = x
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [x])[0])


def test_refuses_a_different_output_quantization():
    with pytest.raises(MalformedModelError, match=r"operator #0 REDUCE_MAX: input 'x' .* must "
                                                  "share their quantization"):
        compile_model(opmodels.reduce("REDUCE_MAX", out_q=(0.1, -3)))


def test_refuses_a_wrong_output_shape():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 4, 1], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("REDUCE_MAX", [x, mb.int32([2])], [y], dict(keep_dims=False))
    with pytest.raises(MalformedModelError, match=r"REDUCE_MAX: output 0 'y' has shape \[1, 4, 1\]"
                                                  r", but the operator computes \[1, 4\]"):
        compile_model(mb.build([x], [y]))


def test_refuses_an_axis_out_of_range():
    with pytest.raises(MalformedModelError, match="REDUCE_MAX: axis 4 is out of range for rank 4"):
        compile_model(opmodels.reduce("REDUCE_MAX", axis=(4,)))


def test_refuses_int16():
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int16", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 4], "int16", scale=0.1, zero_point=0, name="y")
    mb.op("REDUCE_MAX", [x, mb.int32([2])], [y], dict(keep_dims=False))
    with pytest.raises(UnsupportedError, match=r"operator #0 REDUCE_MAX: .*int16, expected int8"):
        compile_model(mb.build([x], [y]))
