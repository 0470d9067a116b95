"""The model fuzzer's regression corpus: every finding of the long runs (a crash, hang, huge
allocation or sanitizer report before the validation layer), kept as a recipe - seed model,
mutator, rng seed - in tests/fuzz/corpus/models.json, rebuilt with fuzz.mutators.mutate() and
checked: a named error, or compiled C that runs clean under ASan/UBSan. Recipes whose seed is a
shared model skip when ../shared/models is absent (third-party models are not copied here)."""
from __future__ import annotations

import hashlib
import json
import signal
from pathlib import Path

import pytest

from tests.conftest import SHARED_MODELS
from tests.helpers import opmodels
from tinyengine_pio import compile_model
from tinyengine_pio.errors import TinyEngineError

pytest.importorskip("tflite_micro")
from tinyengine_pio.fuzz import sanitize  # noqa: E402
from tinyengine_pio.fuzz.mutators import mutate  # noqa: E402
from tinyengine_pio.fuzz.seeds import generated_seeds  # noqa: E402

RECIPES = json.loads((Path(__file__).parent / "corpus" / "models.json").read_text())


def _seed_bytes(name: str) -> bytes | None:
    gen = generated_seeds()
    if name in gen:
        return gen[name]
    if name in opmodels.SINGLE_OP_MODELS:
        return opmodels.SINGLE_OP_MODELS[name]()
    path = SHARED_MODELS / name
    return path.read_bytes() if path.is_file() else None


def _timeout(_signum, _frame):
    raise TimeoutError("compile took more than 30 s (a hang)")


@pytest.mark.parametrize("recipe", RECIPES, ids=[f"{r['mutator']}-{r['seed'][:24]}-{r['rng_seed'] % 10**6}"
                                                 for r in RECIPES])
def test_corpus_mutant_is_refused_or_clean(recipe):
    seed = _seed_bytes(recipe["seed"])
    if seed is None:
        pytest.skip(f"seed model {recipe['seed']} is not here ({SHARED_MODELS} absent)")
    if hashlib.sha256(seed).hexdigest() != recipe["seed_sha256"]:
        pytest.skip(f"seed model {recipe['seed']} changed since the recipe was recorded")
    data = mutate(seed, recipe["mutator"], recipe["rng_seed"])
    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(30)
    try:
        cm = compile_model(data)
    except TinyEngineError:
        return                                      # a named error: the contract
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    result = sanitize.check(cm)                     # accepted: the C must run clean
    assert result.ok, f"was: {recipe['found']}; now accepted but {result.kind}: {result.message}"
