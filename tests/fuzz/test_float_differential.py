"""Differential fuzzing of the float32 implementations against TFLM: random small float32
graphs (tests/helpers/randgraph_float.py) compiled in both optimize modes, run on the host,
compared with TFLM within rtol 1e-4 / atol 1e-5 (NaN equal to NaN). Every operator the
generator draws has a float32 implementation, so any refusal fails too.

TE_FLOAT_FUZZ_CASES (default 150) seeds from TE_FLOAT_FUZZ_SEED (0); the long run is
``python -m tests.fuzz.differential``'s engine with Case(generator="float32")."""
from __future__ import annotations

import os

import pytest

from tests.fuzz.differential import Case, evaluate, table, tally
from tests.helpers.hostrun import have_cc

pytestmark = pytest.mark.skipif(not have_cc(), reason="no host C compiler")

CASES = int(os.environ.get("TE_FLOAT_FUZZ_CASES", "150"))
FIRST = int(os.environ.get("TE_FLOAT_FUZZ_SEED", "0"))
JOBS = int(os.environ.get("TE_FUZZ_JOBS", str(min(os.cpu_count() or 2, 2))))


def test_generator_draws_only_float_implementations():
    from tests.helpers.randgraph_float import OPS
    from tinyengine_pio.ops.base import supported_table
    table_ = supported_table()
    assert [k for k in OPS if "float32" not in table_.get(k, [])] == []


def test_random_float_graphs_match_tflm():
    outcomes = evaluate([Case(seed, generator="float32") for seed in
                         range(FIRST, FIRST + CASES)], workers=JOBS)
    bad = [o for o in outcomes if o.klass != "exact"]
    lines = [f"{o.klass} seed {o.case.seed} [{o.mode}] {o.summary}: "
             f"{o.detail.splitlines()[0][:300] if o.detail else ''}" for o in bad[:10]]
    assert not bad, table(tally(outcomes)) + "\n" + "\n".join(lines)
