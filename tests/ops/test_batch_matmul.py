"""BATCH_MATMUL (ops/batch_matmul.py) against TFLM: adj_x / adj_y, ranks 2 to 5, broadcasting of
the batch dimensions both ways, a constant or computed RHS, extreme zero points and scales; and
the malformed cases. int16 (ops/int16/batch_matmul.py): adjoints, shapes and broadcasting, a
constant RHS, scales (left shift 7, tiny, rounded multipliers) on full-range and extreme inputs,
and the refusals (zero points, the int64 bound, the left shift)."""
from __future__ import annotations

import itertools

import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("adj_x,adj_y,rhs_const",
                         list(itertools.product((False, True), (False, True), (False, True))))
def test_adjoints(tflm_check, adj_x, adj_y, rhs_const):
    lhs = (2, 5, 3) if adj_x else (2, 3, 5)
    rhs = (2, 4, 5) if adj_y else (2, 5, 4)
    cm = tflm_check(opmodels.batch_matmul(lhs, rhs, adj_x, adj_y, rhs_const))
    assert [op.kind for op in cm.graph.operators] == ["BATCH_MATMUL"]


@pytest.mark.parametrize("lhs,rhs", [
    ((3, 4), (4, 5)),                          # rank 2
    ((1, 1, 7), (1, 7, 1)),                    # vectors
    ((3, 2, 4), (4, 6)),                       # RHS broadcast over the LHS batch
    ((2, 4), (3, 4, 2)),                       # LHS broadcast over the RHS batch
    ((2, 1, 3, 4), (1, 3, 4, 2)),              # both ways
    ((2, 3, 1, 2, 8), (1, 3, 2, 8, 3)),        # rank 5
    ((1, 2, 3, 2, 5), (5, 4)),                 # rank 5 with a rank-2 RHS
    ((1, 4, 16, 24), (1, 4, 24, 16)),          # attention-sized
], ids=["rank2", "vectors", "bcast_rhs", "bcast_lhs", "bcast_both", "rank5", "rank5_2",
        "attention"])
def test_shapes(tflm_check, lhs, rhs):
    tflm_check(opmodels.batch_matmul(lhs, rhs))
    tflm_check(opmodels.batch_matmul(lhs, rhs, rhs_const=True))


def test_broadcast_with_adjoints(tflm_check):
    tflm_check(opmodels.batch_matmul((2, 1, 4, 3), (1, 3, 5, 4), adj_x=True, adj_y=True))


@pytest.mark.parametrize("q", [
    dict(lhs_q=(0.02, -128), rhs_q=(0.03, 127), out_q=(0.5, -128)),
    dict(lhs_q=(0.02, 127), rhs_q=(0.03, -128), out_q=(0.5, 127)),
    dict(lhs_q=(1.0, 0), rhs_q=(1.0, 0), out_q=(1e-3, 0)),          # saturating, left shift
    dict(lhs_q=(1e-3, 5), rhs_q=(1e-3, -5), out_q=(1.0, 0)),        # tiny multiplier
])
def test_quantization(tflm_check, q):
    tflm_check(opmodels.batch_matmul((2, 3, 6), (2, 6, 4), **q))


def _malformed(match, *args, **kw):
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError
    with pytest.raises(MalformedModelError, match=match):
        compile_model(opmodels.batch_matmul(*args, **kw))


def test_malformed():
    _malformed(r"operator #0 BATCH_MATMUL: the LHS columns \(5\) differ from the RHS rows \(4\)",
               (1, 3, 5), (1, 4, 2))
    _malformed(r"batch dimensions \[2\] and \[3\] do not broadcast", (2, 3, 4), (3, 4, 2))


def test_refuses_a_possible_accumulator_overflow():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match=r"operator #0 BATCH_MATMUL: 40000 products"):
        compile_model(opmodels.batch_matmul((1, 40000), (40000, 1)))


# --- float32 (ops/float32/batch_matmul.py) ----------------------------------------------------
# reference_ops::BatchMatMul<float>: the depth summed in order from 0.0f, bit-equal

F32_SHAPES = [((3, 4), (4, 5)), ((1, 3, 4), (1, 4, 5)), ((2, 3, 7), (2, 7, 1)),
              ((2, 1, 3, 4), (3, 4, 2)), ((1, 2, 3, 4), (2, 1, 4, 5)),
              ((2, 1, 2, 3, 4), (1, 3, 1, 4, 2)), ((4, 1, 33), (33, 6)), ((1, 1), (1, 1))]


def _f32_shapes(lhs, rhs, adj_x, adj_y):
    """The operand shapes for (rows, depth) x (depth, cols) stored as adj_x / adj_y say."""
    lhs = (*lhs[:-2], lhs[-1], lhs[-2]) if adj_x else lhs
    rhs = (*rhs[:-2], rhs[-1], rhs[-2]) if adj_y else rhs
    return lhs, rhs


@pytest.mark.parametrize("shapes", F32_SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("adj_x,adj_y,rhs_const", list(itertools.product((False, True),
                                                                          (False, True),
                                                                          (False, True))))
def test_float32(tflm_check, shapes, adj_x, adj_y, rhs_const):
    from tests.helpers.float_windows import batch_matmul_model, check_exact
    lhs, rhs = _f32_shapes(*shapes, adj_x, adj_y)
    data = batch_matmul_model(lhs, rhs, adj_x=adj_x, adj_y=adj_y, rhs_const=rhs_const)
    check_exact(tflm_check, data, lhs, *(() if rhs_const else (rhs,)))


def test_float32_extreme_values(tflm_check):
    from tests.helpers.float_windows import batch_matmul_model, check_exact
    check_exact(tflm_check, batch_matmul_model((2, 3, 9), (2, 9, 4)), (2, 3, 9), (2, 9, 4),
                extreme=True)


def test_float32_long_depth_has_no_accumulator_bound(tflm_check):
    """The int8 refusal of 40000 products does not apply to float sums."""
    from tests.helpers.float_windows import batch_matmul_model, check_exact
    check_exact(tflm_check, batch_matmul_model((1, 40000), (40000, 2), rhs_const=True),
                (1, 40000))


def test_float32_constant_folding_is_bit_equal(tflm_check):
    """Both operands constant: folded on the host in the kernel's order (numpy's matmul would
    round differently); + 0 on the device shows the folded values bit for bit."""
    import numpy as np

    from tests.helpers.builder import ModelBuilder
    rng = np.random.default_rng(3)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 4], "float32", name="x")
    p = mb.tensor([2, 3, 4], "float32")
    y = mb.tensor([2, 3, 4], "float32", name="y")
    mb.op("BATCH_MATMUL", [mb.const((rng.standard_normal((2, 3, 50)) * 10).astype(np.float32)),
                           mb.const((rng.standard_normal((50, 4)) * 10).astype(np.float32))],
          [p])
    mb.op("ADD", [p, x], [y])
    cm = tflm_check(mb.build([x], [y]), [[np.zeros((2, 3, 4), np.float32)]], float_exact=True)
    assert [op.kind for op in cm.graph.operators] == ["ADD"]


def test_float32_refuses_a_hybrid_rhs():
    """A float LHS with an int8 RHS: TFLM's Prepare fails (hybrid input is not supported)."""
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "float32")
    r = mb.tensor([3, 4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([2, 4], "float32")
    mb.op("BATCH_MATMUL", [x, r], [y])
    with pytest.raises((UnsupportedError, MalformedModelError), match=r"operator #0 BATCH_MATMUL"):
        compile_model(mb.build([x, r], [y]))


# --- int16 (ops/int16/batch_matmul.py) --------------------------------------------------------

Q16 = dict(lhs_q=(1e-3, 0), rhs_q=(2e-3, 0), out_q=(0.05, 0), dtype="int16")


def _check16(tflm_check, *args, **kw):
    from tests.helpers.int16models import int16_sets
    data = opmodels.batch_matmul(*args, **{**Q16, **kw})
    cm = tflm_check(data, int16_sets(data))
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("adj_x,adj_y,rhs_const",
                         list(itertools.product((False, True), (False, True), (False, True))))
def test_int16_adjoints(tflm_check, adj_x, adj_y, rhs_const):
    lhs = (2, 5, 3) if adj_x else (2, 3, 5)
    rhs = (2, 4, 5) if adj_y else (2, 5, 4)
    _check16(tflm_check, lhs, rhs, adj_x, adj_y, rhs_const)


@pytest.mark.parametrize("lhs,rhs", [
    ((3, 4), (4, 5)), ((1, 1, 7), (1, 7, 1)), ((3, 2, 4), (4, 6)), ((2, 4), (3, 4, 2)),
    ((2, 1, 3, 4), (1, 3, 4, 2)), ((2, 3, 1, 2, 8), (1, 3, 2, 8, 3)), ((1, 2, 3, 2, 5), (5, 4)),
    ((1, 4, 16, 24), (1, 4, 24, 16)), ((1, 2, 300), (1, 300, 3))],
    ids=["rank2", "vectors", "bcast_rhs", "bcast_lhs", "bcast_both", "rank5", "rank5_2",
         "attention", "deep"])
def test_int16_shapes(tflm_check, lhs, rhs):
    _check16(tflm_check, lhs, rhs)
    _check16(tflm_check, lhs, rhs, rhs_const=True)


@pytest.mark.parametrize("q", [
    dict(lhs_q=(1.0, 0), rhs_q=(1.0, 0), out_q=(1 / 120, 0)),      # left shift 7, saturating
    dict(lhs_q=(1e-3, 0), rhs_q=(1e-3, 0), out_q=(1.0, 0)),        # tiny multiplier
    dict(lhs_q=(1e-4, 0), rhs_q=(3e-4, 0), out_q=(1e-4, 0)),       # odd ratio
    dict(lhs_q=(2 ** -10, 0), rhs_q=(2 ** -12, 0), out_q=(2 ** -15, 0)),   # powers of two
    dict(lhs_q=(1e-5, 0), rhs_q=(1e-5, 0), out_q=(1e-7, 0)),       # the multiplier rounded up
], ids=["left_shift", "tiny", "odd", "pow2", "rounded"])
def test_int16_quantization(tflm_check, q):
    _check16(tflm_check, (2, 3, 6), (2, 6, 4), **q)
    _check16(tflm_check, (1, 4, 64), (1, 64, 2), **q)


def _refused16(match, *args, error=None, **kw):
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(error or UnsupportedError, match=match):
        compile_model(opmodels.batch_matmul(*args, **{**Q16, **kw}))


def test_int16_refusals():
    _refused16(r"BATCH_MATMUL: lhs zero point is 3", (1, 2, 3), (1, 3, 2), lhs_q=(1e-3, 3))
    _refused16(r"BATCH_MATMUL: output zero point is -1", (1, 2, 3), (1, 3, 2), out_q=(1, -1))
    _refused16(r"BATCH_MATMUL: 131072 products per output", (1, 131072), (131072, 1))
    from tinyengine_pio.errors import MalformedModelError
    _refused16(r"BATCH_MATMUL: .*left shift of 10 bits; .* at most 7", (1, 2, 3), (1, 3, 2),
               lhs_q=(1.0, 0), rhs_q=(1.0, 0), out_q=(1e-3, 0), error=MalformedModelError)
