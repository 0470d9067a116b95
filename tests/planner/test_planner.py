"""Planner: conflicts are half-open intervals, every plan is verified, best <= greedy_by_size,
arena >= classical lower bound (no in-place ops yet), hand-computed optima."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyengine_pio.planner import ALGORITHMS, Buffer, conflicts, lower_bound, plan, verify
from tinyengine_pio.planner.verify import PlanError


def test_equal_lifetimes_conflict():
    a, b = Buffer("a", 8, 2, 3), Buffer("b", 8, 2, 3)
    assert conflicts(a, b)
    assert not conflicts(Buffer("c", 8, 0, 2), Buffer("d", 8, 2, 4))   # half-open: touching is fine
    with pytest.raises(PlanError, match="overlap"):
        verify([a, b], {"a": 0, "b": 0})


def test_verifier_rejects_misaligned_and_missing():
    with pytest.raises(PlanError, match="aligned"):
        verify([Buffer("a", 8, 0, 1)], {"a": 2})
    with pytest.raises(PlanError, match="no offset"):
        verify([Buffer("a", 8, 0, 1)], {})


def test_chain_reuses_memory():
    # x0 -> x1 -> x2 -> x3, each op reads one and writes the next: two buffers suffice
    bufs = [Buffer("x0", 100, 0, 1), Buffer("x1", 60, 0, 2), Buffer("x2", 100, 1, 3),
            Buffer("x3", 40, 2, 3)]
    p = plan(bufs)
    assert p.lower_bound == 160 and p.arena_bytes == 160


def test_residual_known_optimum():
    # a lives across the branch; b and c are the branch; d is the join
    bufs = [Buffer("a", 64, 0, 3), Buffer("b", 32, 0, 2), Buffer("c", 32, 1, 3), Buffer("d", 64, 2, 4)]
    p = plan(bufs)
    assert p.arena_bytes == lower_bound(bufs) == 160


def test_alignment_is_applied():
    bufs = [Buffer("a", 5, 0, 1), Buffer("b", 5, 0, 1)]
    p = plan(bufs, alignment=8)
    assert p.arena_bytes == 13 + 3 and all(o % 8 == 0 for o in p.offsets.values())
    assert lower_bound(bufs, 8) == 16


buffers_st = st.lists(
    st.tuples(st.integers(1, 4096), st.integers(0, 30), st.integers(1, 10)),
    min_size=1, max_size=40,
).map(lambda xs: [Buffer(f"b{i}", size, start, start + length)
                  for i, (size, start, length) in enumerate(xs)])


# Properties every registered algorithm must have, checked for each by name (a new algorithm is
# covered by registering it).


@pytest.mark.parametrize("algo", sorted(ALGORITHMS))
@settings(max_examples=300, deadline=None)
@given(bufs=buffers_st, alignment=st.sampled_from([1, 4, 16]))
def test_random_plans_are_valid_and_bounded(algo, bufs, alignment):
    offsets = ALGORITHMS[algo](bufs, alignment)
    assert set(offsets) == {b.name for b in bufs}
    size = verify(bufs, offsets, alignment)       # raises on any overlap or misalignment
    assert size >= lower_bound(bufs, alignment)


@pytest.mark.parametrize("algo", sorted(ALGORITHMS))
def test_alignment_is_applied_by_every_algorithm(algo):
    bufs = [Buffer("a", 5, 0, 1), Buffer("b", 5, 0, 1), Buffer("c", 3, 1, 2)]
    offsets = ALGORITHMS[algo](bufs, 8)
    assert all(o % 8 == 0 for o in offsets.values()), offsets
    assert verify(bufs, offsets, 8) >= lower_bound(bufs, 8) == 16


@pytest.mark.parametrize("algo", sorted(ALGORITHMS))
def test_algorithm_is_deterministic(algo):
    bufs = [Buffer(f"b{i}", 16 * (i % 3 + 1), i % 4, i % 4 + 2) for i in range(12)]
    first = ALGORITHMS[algo](bufs, 4)
    assert all(ALGORITHMS[algo](bufs, 4) == first for _ in range(3))
    assert plan(bufs, algorithms=[algo]).offsets == first


@settings(max_examples=300, deadline=None)
@given(buffers_st, st.sampled_from([1, 4, 16]))
def test_best_plan_no_worse_than_greedy_no_worse_than_naive(bufs, alignment):
    best = plan(bufs, alignment)
    greedy = verify(bufs, ALGORITHMS["greedy_by_size"](bufs, alignment), alignment)
    naive = verify(bufs, ALGORITHMS["naive"](bufs, alignment), alignment)
    assert best.arena_bytes <= greedy <= naive
    assert best.arena_bytes == min(best.candidates.values())


def test_plan_is_deterministic():
    bufs = [Buffer(f"b{i}", 16 * (i % 3 + 1), i % 4, i % 4 + 2) for i in range(12)]
    first = plan(bufs)
    assert all(plan(bufs).offsets == first.offsets for _ in range(3))
    assert plan(list(reversed(bufs))).arena_bytes == first.arena_bytes
