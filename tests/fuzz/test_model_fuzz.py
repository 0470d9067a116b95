"""The model fuzzer (tinyengine_pio/fuzz/models.py): its mutators and classification, and a
fixed-seed run over the test models whose every mutant must get a named error or compile."""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from tests.conftest import LARGE_SHARED_MODELS, SHARED_MODELS
from tests.helpers import opmodels
from tinyengine_pio.errors import ModelError
from tinyengine_pio.fuzz import models, worker
from tinyengine_pio.fuzz.mutators import MUTATORS, STRUCTURE, mutate
from tinyengine_pio.fuzz.seeds import generated_seeds
from tinyengine_pio.fuzz.worker import GOOD, Seed

pytest.importorskip("tflite_micro")

SEED = opmodels.conv2d()
# mutants per CI run (TINYENGINE_FUZZ_MUTANTS to change it): 2,000, about a minute on 2 cores;
# a few accepted mutants are also built and run under ASan/UBSan
BUDGET = int(os.environ.get("TINYENGINE_FUZZ_MUTANTS", "2000"))


def _seeds() -> list[Seed]:
    seeds = [Seed(name, f()) for name, f in sorted(opmodels.SINGLE_OP_MODELS.items())]
    seeds += [Seed("conv_dw_conv", opmodels.conv_dw_conv()),
              Seed("wide_then_conv_fc", opmodels.wide_then_conv_fc())]
    if SHARED_MODELS.is_dir():
        seeds += [Seed(p.name, p.read_bytes()) for p in sorted(SHARED_MODELS.glob("*.tflite"))
                  if p.name not in LARGE_SHARED_MODELS]
    return seeds


@pytest.fixture(scope="module")
def ci_report():
    cfg = models.FuzzConfig(mutants=BUDGET, seed=16, jobs=2, timeout=5, cli=0.01, progress=0,
                            sanitize=0.02)
    t0 = time.monotonic()
    rep = models.run(cfg, _seeds(), log=lambda _s: None)
    print(f"\n{BUDGET} mutants in {time.monotonic() - t0:.1f} s "
          f"({rep.rate:.1f}/s after the baselines)\n" + models.format_report(rep))
    return rep


@pytest.mark.slow
def test_fuzz_run_completes(ci_report):
    assert sum(ci_report.counts.values()) == BUDGET
    assert ci_report.counts.get("mutator_failed", 0) < BUDGET * 0.02
    assert all(s["baseline"] in ("accepted", "named_error") for s in ci_report.seeds)
    assert len(ci_report.by_mutator) > len(MUTATORS) * 0.8 or BUDGET < 200


@pytest.mark.slow
def test_fuzz_only_named_errors(ci_report):
    bad = {o: n for o, n in ci_report.counts.items() if o not in GOOD}
    sites = [f"{f.outcome} {f.exc_type} {f.site}: {f.example['message'][:100]}"
             for f in ci_report.findings]
    assert not bad, "\n".join(sites)


# -- the mutators ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MUTATORS))
def test_mutator_is_deterministic_and_changes_the_model(name):
    for seed in (opmodels.conv_dw_conv(), *generated_seeds().values()):   # several operators
        for k in range(3):
            a = mutate(seed, name, k)
            assert a != seed
            assert a == mutate(seed, name, k)


def test_structure_mutants_are_valid_flatbuffers():
    from tinyengine_pio.fuzz.mutators import schema
    fb, seed = schema(), opmodels.conv_dw_conv()
    for name in STRUCTURE:
        fb.ModelT.InitFromPackedBuf(mutate(seed, name, 1), 0)


def test_specs_depend_only_on_the_seed():
    seeds = [Seed("a", SEED), Seed("b", opmodels.pool())]
    cfg = models.FuzzConfig(mutants=50, seed=3)
    a, b = list(models.make_specs(cfg, seeds)), list(models.make_specs(cfg, seeds))
    assert a == b
    cfg.seed = 4
    assert list(models.make_specs(cfg, seeds)) != a
    assert {s.mutator for s in a} <= set(MUTATORS)


# -- classification with fake targets (no compiler) --------------------------------------------

def _accept(data):
    return None


def _named(data):
    if data != SEED:
        raise ModelError("bad model")


def _crash(data):
    if data != SEED:
        {}["missing"]


def _hang(data):
    if data != SEED:
        time.sleep(60)


def _native_hang(data):
    if data != SEED:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)


def _alloc(data):
    if data != SEED:
        return bytearray(16 << 30)


def _segfault(data):
    if data != SEED:
        os.kill(os.getpid(), signal.SIGSEGV)


def _fuzz(target, n=3, **kw):
    cfg = models.FuzzConfig(mutants=n, seed=1, jobs=kw.pop("jobs", 1), timeout=1, cli=0,
                            progress=0, mutators=["shape_elem"], **kw)
    return models.run(cfg, [Seed("seed", SEED)], target=target, log=lambda _s: None)


@pytest.mark.parametrize("target,outcome", [(_accept, "accepted"), (_named, "named_error")])
def test_good_outcomes(target, outcome):
    rep = _fuzz(target)
    assert rep.counts == {outcome: 3}
    assert rep.bad == 0 and not rep.findings


def test_crash_is_classified_with_its_site(tmp_path):
    rep = _fuzz(_crash, corpus=str(tmp_path))
    assert rep.counts == {"crash": 3}
    (f,) = rep.findings   # one site, three mutants
    assert f.exc_type == "KeyError" and f.count == 3
    assert f.site.startswith(f"{__file__}:") and f.site.endswith("in _crash")
    files = sorted(os.listdir(tmp_path))
    assert len(files) == 2 and files[0].endswith(".json") and files[1].endswith(".tflite")
    meta = json.loads((tmp_path / files[0]).read_text())
    assert meta["mutator"] == "shape_elem" and meta["outcome"] == "crash"
    assert mutate(SEED, meta["mutator"], meta["rng_seed"]) == (tmp_path / files[1]).read_bytes()
    (again,) = models.replay([str(tmp_path)], target=_crash, jobs=1)
    assert (again.outcome, again.exc_type, again.site) == ("crash", "KeyError", f.site)


CORPUS = os.environ.get("TINYENGINE_FUZZ_CORPUS")   # e.g. a --corpus directory of a long run


@pytest.mark.skipif(not CORPUS, reason="set TINYENGINE_FUZZ_CORPUS to a fuzzer --corpus dir")
def test_saved_corpus_gets_named_errors():
    results = models.replay([CORPUS], timeout=10)
    bad = [f"{r.seed}: {r.outcome} {r.exc_type} {r.site}" for r in results
           if r.outcome not in GOOD]
    assert not bad, "\n".join(bad)


def test_hang_is_interrupted_where_it_hangs():
    rep = _fuzz(_hang, n=2, jobs=2)
    assert rep.counts == {"hang": 2}
    assert rep.findings[0].site.endswith("in _hang")


def test_hang_in_native_code_is_killed(monkeypatch):
    monkeypatch.setattr(worker, "GRACE", 0.5)
    rep = _fuzz(_native_hang, n=2)
    assert rep.counts == {"hang": 2}
    assert "native code" in rep.findings[0].site


def test_huge_allocation_hits_the_memory_limit():
    rep = _fuzz(_alloc, n=2, memory_mib=512)
    assert rep.counts == {"huge_allocation": 2}
    assert rep.findings[0].site.endswith("in _alloc")


def test_pool_survives_a_dying_worker(tmp_path):
    rep = _fuzz(_segfault, n=4, jobs=2, corpus=str(tmp_path))
    assert rep.counts == {"crash": 4}
    assert rep.findings[0].exc_type == "WorkerDied" and "SIGSEGV" in rep.findings[0].site
    assert any(n.endswith(".tflite") for n in os.listdir(tmp_path))   # made again by the parent


def test_command_line_end_to_end(tmp_path, capsys):
    out = tmp_path / "report.json"
    rc = models.main(["--mutants", "30", "--seed", "2", "--json", str(out), "--progress", "10",
                      "--mutators", "truncate,shape_elem,tensor_type"])
    rep = json.loads(out.read_text())
    assert sum(rep["counts"].values()) == 30
    assert rc == (1 if any(o not in GOOD for o in rep["counts"]) else 0)
    captured = capsys.readouterr()
    assert "30 mutants in" in captured.out and "fuzz: 10/30 mutants" in captured.err
