"""BATCH_MATMUL (ops/batch_matmul.py) against TFLM: adj_x / adj_y, ranks 2 to 5, broadcasting of
the batch dimensions both ways, a constant or computed RHS, extreme zero points and scales; and
the malformed cases."""
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
