"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (ops/space_to_batch_nd.py) against TFLM: 4-D and 3-D,
block shapes, batches, crops, int8 and float32 (TFLM's dtypes) bit for bit; int16 and int32 run
as bytes (ops/movement.py; TFLM refuses them, numpy checks them). TFLM's micro SPACE_TO_BATCH_ND
pads with uninitialized memory (its params.output_offset is never set), so a padded case is
compared with TFLM on the copied elements only and with numpy (the output zero point / 0) on
all of them; and the malformed cases."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement
from tests.helpers.builder import ModelBuilder
from tests.helpers.hostrun import HostModel
from tests.helpers.tflm import run_tflm_many
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.frontend import read_model
from tinyengine_pio.ops import lookup

S2B, B2S = "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND"
NP = movement.NP

# (input shape, block_shape, paddings) without padding: TFLM is the oracle for every element
S2B_CASES = [((1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]]), ((2, 6, 4, 3), [2, 2], [[0, 0], [0, 0]]),
             ((1, 6, 6, 5), [3, 2], [[0, 0], [0, 0]]), ((3, 4, 9, 2), [1, 3], [[0, 0], [0, 0]]),
             ((1, 8, 8, 16), [4, 4], [[0, 0], [0, 0]]), ((2, 6, 3), [3], [[0, 0]]),
             ((1, 4, 2, 7), [1, 1], [[0, 0], [0, 0]])]
S2B_PADDED = [((1, 3, 3, 1), [2, 2], [[0, 1], [0, 1]]), ((1, 5, 5, 4), [2, 2], [[2, 1], [1, 2]]),
              ((2, 7, 4, 3), [3, 2], [[1, 1], [2, 2]]), ((1, 3, 2), [2], [[1, 0]]),
              ((1, 10, 10, 8), [2, 2], [[2, 2], [2, 2]])]
# (input shape, block_shape, crops)
B2S_CASES = [((4, 2, 2, 1), [2, 2], [[0, 0], [0, 0]]), ((8, 3, 2, 3), [2, 2], [[0, 0], [0, 0]]),
             ((6, 2, 3, 5), [3, 2], [[1, 2], [0, 1]]), ((4, 2, 2, 1), [2, 2], [[0, 1], [0, 1]]),
             ((9, 4, 4, 2), [3, 3], [[2, 0], [1, 1]]), ((6, 3, 4), [3], [[1, 1]]),
             ((16, 5, 5, 8), [2, 2], [[2, 2], [2, 2]]), ((3, 2, 2, 2), [1, 1], [[0, 0], [0, 0]])]


def _out_shape(kind, shape, block, pads):
    shape = list(shape)
    sp = len(shape) - 2
    out = list(shape)
    if kind == S2B:
        out[0] = shape[0] * int(np.prod(block))
        for i in range(sp):
            out[1 + i] = (shape[1 + i] + sum(pads[i])) // block[i]
    else:
        out[0] = shape[0] // int(np.prod(block))
        for i in range(sp):
            out[1 + i] = shape[1 + i] * block[i] - sum(pads[i])
    return out


def _model(kind, shape, block, pads, dtype="int8", out_shape=None, q=None):
    mb = ModelBuilder()
    q = movement.quant(dtype) if q is None else q
    x = mb.tensor(list(shape), dtype, name="x", **q)
    y = mb.tensor(out_shape or _out_shape(kind, shape, block, pads), dtype, name="y", **q)
    bs = mb.const(np.array(block, np.int32))
    pd = mb.const(np.array(pads, np.int32).reshape(-1, 2))
    mb.op(kind, [x, bs, pd], [y])
    return mb.build([x], [y])


def _reference(model):
    g = read_model(model)
    op = g.operators[0]

    def ref(x):
        g.t(op.inputs[0]).data = x
        return lookup(op).evaluate(g, op)
    return ref


def _cases(cases, kind):
    return [(kind, *c) for c in cases]


def _id(v):
    return "x".join(map(str, np.ravel(v))) if not isinstance(v, str) else v


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("kind,shape,block,pads", _cases(S2B_CASES, S2B) + _cases(B2S_CASES, B2S),
                         ids=_id)
def test_matches_tflm(tflm_check, dtype, kind, shape, block, pads):
    model = _model(kind, shape, block, pads, dtype)
    sets = movement.data_sets([(shape, dtype)])
    cm = tflm_check(model, sets, float_exact=True)
    assert [(op.kind, op.dtype) for op in cm.graph.operators] == [(kind, dtype)]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("shape,block,pads", S2B_PADDED, ids=_id)
def test_padding(compile_to, dtype, shape, block, pads):
    """The copied elements as TFLM, the padded ones the zero point (int8) / 0 (float32)."""
    model = _model(S2B, shape, block, pads, dtype)
    _, out = compile_to(model)
    sets = movement.data_sets([(shape, dtype)])
    ref = _reference(model)
    # where the input lands: run the reference on a marker input
    marker = _reference(_model(S2B, shape, block, pads, "int32", q={}))(
        np.ones(shape, np.int32))[0] == 1
    want_tflm = run_tflm_many(model, sets)
    with HostModel(out, "model") as host, np.errstate(invalid="ignore"):
        for inputs, got, tflm in zip(sets, host.run(sets), want_tflm):
            got = np.frombuffer(got[0], NP[dtype]).reshape(marker.shape)
            want = np.asarray(ref(*inputs)[0], NP[dtype])
            assert got.tobytes() == want.tobytes()
            assert got[marker].tobytes() == np.asarray(tflm[0], NP[dtype])[marker].tobytes()
    pad = movement.quant(dtype).get("zero_point", 0)
    assert (want[~marker] == pad).all() and (~marker).any()


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("kind,shape,block,pads",
                         _cases(S2B_CASES[:4] + S2B_PADDED[:3], S2B) + _cases(B2S_CASES[:4], B2S),
                         ids=_id)
def test_dtypes_as_bytes(compile_to, dtype, kind, shape, block, pads):
    model = _model(kind, shape, block, pads, dtype)
    if dtype != "float32":
        movement.check(compile_to, model, kind, dtype, ref=_reference(model))
    else:       # float32 is TFLM-checked above; here the numpy path with special values
        _, out = compile_to(model)
        sets = movement.data_sets([(shape, dtype)])
        with HostModel(out, "model") as host, np.errstate(invalid="ignore"):
            for inputs, got in zip(sets, host.run(sets)):
                assert got[0] == np.asarray(_reference(model)(*inputs)[0], np.float32).tobytes()


@pytest.mark.parametrize("kind,shape,block,pads", [(S2B, (2, 4, 6, 3), [2, 3], [[1, 1], [0, 0]]),
                                                   (B2S, (6, 2, 3, 5), [3, 2], [[1, 2], [0, 1]])])
def test_constant_folding(kind, shape, block, pads):
    model = _model(kind, shape, block, pads, "float32")
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    got = _reference(model)(x)[0]
    want = run_tflm_many(model, [[x]])[0][0]
    if kind == B2S:
        np.testing.assert_array_equal(got, want)
    else:
        marker = _reference(_model(S2B, shape, block, pads, "int32", q={}))(
            np.ones(shape, np.int32))[0] == 1
        np.testing.assert_array_equal(got[marker], want[marker])
        assert (got[~marker] == 0).all()


def test_refuses_a_padded_size_not_a_multiple_of_the_block():
    with pytest.raises(MalformedModelError, match=r"SPACE_TO_BATCH_ND: the padded height 5 and "
                                                  r"width 4 are not multiples of block_shape"):
        compile_model(_model(S2B, (1, 4, 4, 1), [2, 2], [[1, 0], [0, 0]], out_shape=[4, 2, 2, 1]))


def test_refuses_a_batch_not_a_multiple_of_the_block():
    with pytest.raises(MalformedModelError, match=r"BATCH_TO_SPACE_ND: the input batch 6 is not "
                                                  r"a multiple of the block size 4"):
        compile_model(_model(B2S, (6, 2, 2, 1), [2, 2], [[0, 0], [0, 0]], out_shape=[1, 4, 4, 1]))


@pytest.mark.parametrize("kind", [S2B, B2S])
def test_refuses_a_wrong_output_shape(kind):
    with pytest.raises(MalformedModelError, match=r"output 0 'y' has shape \[1, 2, 2, 1\]"):
        compile_model(_model(kind, (4, 4, 4, 1), [2, 2], [[0, 0], [0, 0]],
                             out_shape=[1, 2, 2, 1]))


def test_refuses_negative_crops():
    with pytest.raises(MalformedModelError, match=r"BATCH_TO_SPACE_ND: negative crops"):
        compile_model(_model(B2S, (4, 2, 2, 1), [2, 2], [[-1, 0], [0, 0]],
                             out_shape=[1, 5, 4, 1]))


def test_refuses_a_block_shape_of_the_wrong_length():
    with pytest.raises(MalformedModelError, match=r"block_shape has 1 values, expected 2"):
        compile_model(_model(S2B, (1, 4, 4, 1), [2], [[0, 0], [0, 0]], out_shape=[2, 2, 4, 1]))


def test_refuses_rank_5():
    with pytest.raises((MalformedModelError, UnsupportedError), match=S2B):
        compile_model(_model(S2B, (1, 2, 2, 2, 1), [1, 1, 1], [[0, 0]] * 3,
                             out_shape=[1, 2, 2, 2, 1]))


def test_refuses_int64():
    with pytest.raises(UnsupportedError, match=rf"operator #0 {S2B}: .*int64, expected int8"):
        compile_model(_model(S2B, (1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]], "int64"))
