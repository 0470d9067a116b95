"""DEPTH_TO_SPACE (ops/depth_to_space.py) against TFLM: block sizes 1 to 4, batches, odd sizes,
one output channel and many, a different output quantization (a pure copy either way);
constant folding; and the malformed cases."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

KIND = "DEPTH_TO_SPACE"
CASES = [((1, 3, 4, 8), 2), ((1, 3, 4, 4), 2), ((2, 5, 3, 12), 2), ((1, 2, 3, 27), 3),
         ((1, 1, 1, 16), 4), ((3, 4, 5, 6), 1), ((1, 7, 1, 9), 3), ((2, 1, 6, 32), 2)]


@pytest.mark.parametrize("shape,block", CASES, ids=lambda v: "x".join(map(str, v))
                         if isinstance(v, tuple) else f"b{v}")
def test_shapes_and_blocks(tflm_check, shape, block):
    cm = tflm_check(opmodels.depth_space(KIND, shape, block))
    assert [op.kind for op in cm.graph.operators] == [KIND]


def test_output_quantization_is_not_applied(tflm_check):
    tflm_check(opmodels.depth_space(KIND, (1, 3, 4, 8), 2, out_q=(0.3, 100)))


@pytest.mark.parametrize("shape,block", [((2, 3, 2, 8), 2), ((1, 2, 2, 18), 3)])
def test_evaluate_matches_tflm(shape, block):
    from tests.helpers.tflm import run_tflm
    model = opmodels.depth_space(KIND, shape, block)
    x = np.random.default_rng(7).integers(-128, 128, size=shape).astype(np.int8)
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data = x
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [x])[0])


def _model(in_shape, out_shape, block, dtype="int8"):
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor(in_shape, dtype, scale=0.1, zero_point=0, name="x")
    y = mb.tensor(out_shape, dtype, scale=0.1, zero_point=0, name="y")
    mb.op(KIND, [x], [y], dict(block_size=block))
    return mb.build([x], [y])


def test_refuses_channels_not_a_multiple_of_the_block_area():
    with pytest.raises(MalformedModelError, match=r"DEPTH_TO_SPACE: the input's 6 channels are "
                                                  r"not a multiple of block_size\^2 = 4"):
        compile_model(_model([1, 2, 2, 6], [1, 4, 4, 1], 2))


def test_refuses_a_non_positive_block_size():
    with pytest.raises(MalformedModelError, match="DEPTH_TO_SPACE: block_size 0 is not positive"):
        compile_model(_model([1, 2, 2, 4], [1, 2, 2, 4], 0))


def test_refuses_a_wrong_output_shape():
    with pytest.raises(MalformedModelError, match=r"output 0 'y' has shape \[1, 2, 4, 1\], but "
                                                  r"the operator computes \[1, 4, 4, 1\]"):
        compile_model(_model([1, 2, 2, 4], [1, 2, 4, 1], 2))


def test_refuses_rank_3():
    with pytest.raises((MalformedModelError, UnsupportedError), match="DEPTH_TO_SPACE"):
        compile_model(_model([2, 2, 4], [4, 4, 1], 2))


def test_refuses_int16():
    with pytest.raises(UnsupportedError, match=r"operator #0 DEPTH_TO_SPACE: .*int16, expected "
                                               "int8"):
        compile_model(_model([1, 2, 2, 4], [1, 4, 4, 1], 2, "int16"))
