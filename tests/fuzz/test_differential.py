"""Differential fuzzing against TFLM (issue 16): random small int8 graphs over every supported
operator (tests/helpers/randgraph.py), compiled in both optimize modes, run on the host with gcc,
compared with TFLM byte for byte. Engine and long-run CLI: tests/fuzz/differential.py
(``python -m tests.fuzz.differential --seed 0 --cases 2000 --minimize``).

* test_corpus replays tests/fuzz/corpus/differential.json: minimised cases that once failed
  (seed + the cut/outputs steps that shrink its graph), each must now match TFLM.
* test_random_graphs runs TE_FUZZ_CASES (500) seeds from TE_FUZZ_SEED (0). It fails on any
  mismatch, crash (compiler exception that is not a TinyEngineError, C that does not build, a
  crashing program, an arena canary hit) or refusal that is not a documented limitation
  (DOCUMENTED_LIMITS); a model TFLM refuses is a generator bug and fails too when more than 1%.
  Failing cases are minimised and printed with their corpus entry.
"""
from __future__ import annotations

import json
import os
import time

import pytest

from tests.fuzz.differential import (
    Case,
    describe_case,
    evaluate,
    load_corpus,
    minimise,
    table,
    tally,
)
from tests.helpers.hostrun import have_cc

pytestmark = pytest.mark.skipif(not have_cc(), reason="no host C compiler")

CASES = int(os.environ.get("TE_FUZZ_CASES", "500"))
FIRST = int(os.environ.get("TE_FUZZ_SEED", "0"))
JOBS = int(os.environ.get("TE_FUZZ_JOBS", str(min(os.cpu_count() or 2, 2))))


def _failures(outcomes) -> list:
    return [o for o in outcomes
            if o.klass in ("mismatch", "crash") or o.refusal_kind == "suspicious"]


def _report(failures, minimize: bool) -> str:
    lines = []
    for o in failures[:3]:
        m = minimise(o, workers=JOBS) if minimize and o.klass != "refused" else o
        entry = {"seed": m.case.seed, "steps": m.case.steps,
                 "description": f"{m.klass} [{m.mode}]: {m.detail.splitlines()[0][:200]}"}
        lines += [f"{o.klass} seed {o.case.seed} [{o.mode}]: {o.detail.splitlines()[0]}",
                  describe_case(m.case),
                  "corpus entry: " + json.dumps(entry), ""]
    if len(failures) > 3:
        lines.append(f"... and {len(failures) - 3} more: seeds "
                     f"{[o.case.seed for o in failures[3:]]}")
    return "\n".join(lines)


def test_generator_covers_registry():
    """Every operator the compiler registers is drawn (a new operator needs a generator rule)."""
    from tests.helpers.randgraph import NOT_YET_DRAWN, op_histogram, random_spec
    from tinyengine_pio.ops import REGISTRY

    seen = op_histogram(random_spec(s) for s in range(FIRST, FIRST + 300))
    runtime = {d.name for d in REGISTRY.values() if d.reads_data or d.evaluate is None}
    missing = sorted(runtime - set(seen) - NOT_YET_DRAWN)
    assert not missing, f"tests/helpers/randgraph.py never draws {missing}"
    assert not set(seen) & NOT_YET_DRAWN, "drawn now: take it off NOT_YET_DRAWN"


def test_corpus():
    cases = load_corpus()
    if not cases:
        pytest.skip("empty corpus")
    outcomes = evaluate(cases, workers=JOBS)
    drift = [f"seed {o.case.seed} {o.case.steps}: now {o.summary!r}, saved as {o.case.graph!r}"
             for o in outcomes if o.case.graph and o.summary != o.case.graph]
    assert not drift, ("randgraph draws other graphs than when the corpus was saved (a generator "
                       "change): minimise the cases again or drop them:\n" + "\n".join(drift))
    bad = [o for o in outcomes if o.klass != "exact" and o.refusal_kind != "documented"]
    assert not bad, "corpus cases fail again:\n" + "\n".join(
        f"seed {o.case.seed} {o.case.steps} ({o.case.note}): {o.klass} [{o.mode}] "
        f"{o.detail.splitlines()[0] if o.detail else ''}" for o in bad)


@pytest.mark.slow
def test_random_graphs(capsys):
    t0 = time.time()
    outcomes = evaluate([Case(s) for s in range(FIRST, FIRST + CASES)], workers=JOBS)
    t = tally(outcomes)
    with capsys.disabled():
        print(f"\ndifferential fuzz, seeds {FIRST}..{FIRST + CASES - 1}, {JOBS} jobs, "
              f"{time.time() - t0:.1f} s\n{table(t)}")
    failures = _failures(outcomes)
    assert not failures, (f"{len(failures)} of {len(outcomes)} random graphs fail:\n"
                          + _report(failures, minimize=True))
    generator_bugs = t["counts"].get("tflm_refused", 0) + t["counts"].get("tflm_crash", 0)
    assert generator_bugs <= max(1, len(outcomes) // 100), \
        f"TFLM refused {generator_bugs} generated models: {t['tflm_refusals']}"
