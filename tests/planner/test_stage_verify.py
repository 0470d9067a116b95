"""The stage verifier (stages/verify.py) accepts what the compiler plans and catches each kind
of broken schedule: a line buffer one row short, a row made twice or out of order, a read of a
row not made yet, and the sink placed over source rows still to be read."""
from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.chains import Chain
from tinyengine_pio.compiler import compile_model
from tinyengine_pio.stages import StageError
from tinyengine_pio.stages.verify import verify_stage


def _model() -> bytes:
    c = Chain((1, 20, 12, 4), seed=3)
    a = c.conv(c.x, 8, k=3)
    a = c.add(c.conv(a, 8, k=3), c.dw(a, k=3))
    a = c.dw(a, k=3, stride=2)
    return c.build([c.conv(a, 6, k=1)])


@pytest.fixture(scope="module")
def compiled():
    cm = compile_model(_model(), emit=False, optimize="memory")
    assert cm.graph.stages
    return cm


def test_the_planned_stages_verify(compiled):
    for st in compiled.graph.stages:
        verify_stage(compiled.graph, st)


def test_a_line_buffer_one_row_short_is_caught(compiled):
    g = compiled.graph
    st = g.stages[0]
    for t, ring in st.rings.items():
        short = dataclasses.replace(st, rings={**st.rings, t: dataclasses.replace(
            ring, cap=ring.cap - 1)})
        with pytest.raises(StageError, match="live, its line buffer holds"):
            verify_stage(g, short)


def test_a_row_made_twice_or_skipped_is_caught(compiled):
    g = compiled.graph
    st = g.stages[0]
    twice = dataclasses.replace(st, trace=st.trace[:3] + [st.trace[2]] + st.trace[3:])
    with pytest.raises(StageError, match="expected row"):
        verify_stage(g, twice)
    missing = dataclasses.replace(st, trace=st.trace[:-1])
    with pytest.raises(StageError, match="rows"):
        verify_stage(g, missing)


def test_a_read_before_the_row_is_made_is_caught(compiled):
    g = compiled.graph
    st = g.stages[0]
    # move the first call of the sink to the front: it reads rows not made yet
    k = next(n for n, call in enumerate(st.trace) if call[0] == st.sink)
    early = dataclasses.replace(st, trace=[st.trace[k]] + st.trace[:k] + st.trace[k + 1:])
    with pytest.raises(StageError, match="before it is made|expected row"):
        verify_stage(g, early)


def test_the_sink_over_rows_still_read_is_caught(compiled):
    g = compiled.graph
    st = g.stages[0]
    src = st.sources[0]
    # the sink's last rows written at the source's start: the source's first rows are read
    # again later only if windows overlap; place the sink so its first row lands on source
    # rows read after the sink's first call
    reads_after = max(k for k, call in enumerate(st.trace) for i, lo, hi in call[3] if i == src)
    assert reads_after > 0
    row_bytes = g.t(src).shape[2] * g.t(src).shape[3]
    with pytest.raises(StageError, match="overwrite row"):
        verify_stage(g, st, {src: (g.t(src).shape[1] - 1) * row_bytes})
