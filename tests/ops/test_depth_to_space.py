"""DEPTH_TO_SPACE and SPACE_TO_DEPTH (ops/depth_to_space.py) against TFLM: block sizes 1 to 4,
batches, odd sizes, one channel and many, a different output quantization (a pure copy either
way); constant folding; float32, int16 and int32 as bytes (ops/movement.py; TFLM runs float32,
numpy checks the integers) over the same shapes; and the malformed cases."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

D2S, S2D = "DEPTH_TO_SPACE", "SPACE_TO_DEPTH"
CASES = {
    D2S: [((1, 3, 4, 8), 2), ((1, 3, 4, 4), 2), ((2, 5, 3, 12), 2), ((1, 2, 3, 27), 3),
          ((1, 1, 1, 16), 4), ((3, 4, 5, 6), 1), ((1, 7, 1, 9), 3), ((2, 1, 6, 32), 2)],
    S2D: [((1, 6, 4, 3), 2), ((1, 4, 4, 1), 2), ((2, 10, 6, 5), 2), ((1, 6, 9, 3), 3),
          ((1, 4, 4, 2), 4), ((3, 4, 5, 6), 1), ((1, 3, 3, 7), 3), ((2, 2, 12, 4), 2)],
}
EVALUATE = {D2S: [((2, 3, 2, 8), 2), ((1, 2, 2, 18), 3)], S2D: [((2, 6, 4, 3), 2), ((1, 6, 3, 2), 3)]}
# a [1, 2, 2, 4] input with block 2: the right output, and a wrong one of the same size
OUT = {D2S: ([1, 4, 4, 1], [1, 2, 4, 1]), S2D: ([1, 1, 1, 16], [1, 2, 1, 4])}


def _ids(v):
    return "x".join(map(str, v)) if isinstance(v, tuple) else f"b{v}"


@pytest.mark.parametrize("kind,shape,block", [(k, s, b) for k in CASES for s, b in CASES[k]],
                         ids=lambda v: _ids(v) if not isinstance(v, str) else v)
def test_shapes_and_blocks(tflm_check, kind, shape, block):
    cm = tflm_check(opmodels.depth_space(kind, shape, block))
    assert [op.kind for op in cm.graph.operators] == [kind]


@pytest.mark.parametrize("kind,shape", [(D2S, (1, 3, 4, 8)), (S2D, (1, 6, 4, 3))])
def test_output_quantization_is_not_applied(tflm_check, kind, shape):
    tflm_check(opmodels.depth_space(kind, shape, 2, out_q=(0.3, 100)))


@pytest.mark.parametrize("kind,shape,block", [(k, s, b) for k in EVALUATE for s, b in EVALUATE[k]])
def test_evaluate_matches_tflm(kind, shape, block):
    from tests.helpers.tflm import run_tflm
    model = opmodels.depth_space(kind, shape, block)
    x = np.random.default_rng(7).integers(-128, 128, size=shape).astype(np.int8)
    g = read_model(model)
    op = g.operators[0]
    g.t(op.inputs[0]).data = x
    (got,) = lookup(op).evaluate(g, op)
    np.testing.assert_array_equal(got, run_tflm(model, [x])[0])


def _model(kind, in_shape, out_shape, block, dtype="int8"):
    mb = ModelBuilder()
    x = mb.tensor(in_shape, dtype, scale=0.1, zero_point=0, name="x")
    y = mb.tensor(out_shape, dtype, scale=0.1, zero_point=0, name="y")
    mb.op(kind, [x], [y], dict(block_size=block))
    return mb.build([x], [y])


def test_depth_to_space_refuses_channels_not_a_multiple_of_the_block_area():
    with pytest.raises(MalformedModelError, match=r"DEPTH_TO_SPACE: the input's 6 channels are "
                                                  r"not a multiple of block_size\^2 = 4"):
        compile_model(_model(D2S, [1, 2, 2, 6], [1, 4, 4, 1], 2))


def test_space_to_depth_refuses_a_height_not_a_multiple_of_the_block():
    with pytest.raises(MalformedModelError, match=r"SPACE_TO_DEPTH: the input's height 3 and "
                                                  r"width 4 are not multiples of block_size 2"):
        compile_model(_model(S2D, [1, 3, 4, 1], [1, 1, 2, 4], 2))


@pytest.mark.parametrize("kind", [D2S, S2D])
def test_refuses_a_non_positive_block_size(kind):
    with pytest.raises(MalformedModelError, match=f"{kind}: block_size 0 is not positive"):
        compile_model(_model(kind, [1, 2, 2, 4], [1, 2, 2, 4], 0))


@pytest.mark.parametrize("kind", [D2S, S2D])
def test_refuses_a_wrong_output_shape(kind):
    right, wrong = OUT[kind]
    with pytest.raises(MalformedModelError, match=rf"output 0 'y' has shape \[{', '.join(map(str, wrong))}\], "
                                                  rf"but the operator computes \[{', '.join(map(str, right))}\]"):
        compile_model(_model(kind, [1, 2, 2, 4], wrong, 2))


@pytest.mark.parametrize("kind,out", [(D2S, [4, 4, 1]), (S2D, [1, 1, 16])])
def test_refuses_rank_3(kind, out):
    with pytest.raises((MalformedModelError, UnsupportedError), match=kind):
        compile_model(_model(kind, [2, 2, 4], out, 2))


@pytest.mark.parametrize("kind", [D2S, S2D])
def test_refuses_int64(kind):
    with pytest.raises(UnsupportedError, match=rf"operator #0 {kind}: .*int64, expected int8"):
        compile_model(_model(kind, [1, 2, 2, 4], OUT[kind][0], 2, "int64"))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------
# TFLM runs both in float32 only: the integer types are checked against numpy

def _reference(kind, block):
    def ref(x):
        n, h, w, c = x.shape
        b = block
        if kind == D2S:
            y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
            return [y.reshape(n, h * b, w * b, c // (b * b))]
        y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return [y.reshape(n, h // b, w // b, b * b * c)]
    return ref


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("kind,shape,block", [(k, s, b) for k in CASES for s, b in CASES[k]],
                         ids=lambda v: _ids(v) if not isinstance(v, str) else v)
def test_dtypes_shapes_and_blocks(compile_to, dtype, kind, shape, block):
    n, h, w, c = shape
    out = ([n, h * block, w * block, c // block ** 2] if kind == D2S else
           [n, h // block, w // block, c * block ** 2])
    mb = ModelBuilder()
    x = movement.tensor(mb, shape, dtype)
    y = movement.tensor(mb, out, dtype)
    mb.op(kind, [x], [y], dict(block_size=block))
    movement.check(compile_to, mb.build([x], [y]), kind, dtype, ref=_reference(kind, block))
