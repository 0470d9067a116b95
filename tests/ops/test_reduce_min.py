"""REDUCE_MIN float32 (ops/float32/reduce_min.py; TFLM's reduce_common.cc float path: init the
largest float, (in < current) ? in : current, row-major order) against TFLM, bit for bit: axes
negative and repeated, keep_dims or not, 1-D to 5-D; special values; constant folding; and the
refusal of int8 (no int8 implementation)."""
from __future__ import annotations

import numpy as np
import pytest


def test_int8_is_refused():
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 5], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("REDUCE_MIN", [x, mb.int32([2])], [y], dict(keep_dims=False))
    with pytest.raises(UnsupportedError, match=r"operator #0 REDUCE_MIN: .*int8, expected float32"):
        compile_model(mb.build([x], [y]))


# --- float32 (ops/float32/reduce_min.py, ops/float32/reduce.py) ---------------------------------

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
    cm = tflm_check(float_reduce_model("REDUCE_MIN", shape, axis, keep), float_sets([shape]),
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
        tflm_check(float_reduce_model("REDUCE_MIN", shape, axis, False), sets, float_exact=True)


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
    mb.op("REDUCE_MIN", [c, mb.const(np.array([1], np.int32))], [r], dict(keep_dims=False))
    mb.op("ADD", [x, r], [y], dict(fused_activation_function="NONE"))
    cm = compile_model(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]
    from tests.helpers.sweeps import float_reduce_model
    from tests.helpers.tflm import run_tflm_many
    ref = run_tflm_many(float_reduce_model("REDUCE_MIN", (3, 5, 4), (1,)), [[data]])[0][0]
    got = cm.graph.t(cm.graph.operators[0].inputs[1]).data
    assert got.view(np.uint32).tolist() == ref.view(np.uint32).tolist()
