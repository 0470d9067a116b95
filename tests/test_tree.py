"""The same-stem layout: every registered operator's stem has its parser/emitter in
tinyengine_pio/ops/<stem>.py and its tests in tests/ops/test_<stem>.py."""
from __future__ import annotations

from pathlib import Path

from tinyengine_pio.ops import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def test_every_operator_stem_has_its_module_and_its_test_file():
    stems = {opdef.stem for opdef in REGISTRY.values()}
    assert stems, "no operator registered"
    missing = sorted(f"{path}" for s in stems
                     for path in (f"tinyengine_pio/ops/{s}.py", f"tests/ops/test_{s}.py")
                     if not (ROOT / path).is_file())
    assert not missing, "operator stems without their module or test file: " + ", ".join(missing)
    strays = sorted(p.name for p in (ROOT / "tests" / "ops").glob("test_*.py")
                    if p.stem[len("test_"):] not in stems)
    assert not strays, "tests/ops files that match no operator stem: " + ", ".join(strays)


def test_every_operator_declares_what_validation_checks():
    """validate.py checks each op against its own declaration: a new operator must say what its
    output shape is (OpDef.check), so a model whose shapes disagree is refused, not miscompiled."""
    missing = sorted(d.name for d in REGISTRY.values() if d.check is None)
    assert not missing, "operators without OpDef.check (output shape semantics): " + ", ".join(missing)
