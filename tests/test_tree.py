"""The same-stem layout: every registered operator's stem has its parser/emitter in
tinyengine_pio/ops/<stem>.py and its tests in tests/ops/test_<stem>.py."""
from __future__ import annotations

from pathlib import Path

from tinyengine_pio.ops import REGISTRY
from tinyengine_pio.ops.base import DTYPE_REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def _folder(opdef) -> str:
    """ops/<stem>.py for the primary, ops/<dtype>/<stem>.py for another dtype's implementation."""
    return "tinyengine_pio/ops" + ("" if opdef.dtype == "int8" else f"/{opdef.dtype}")


def test_every_operator_stem_has_its_module_and_its_test_file():
    impls = list(REGISTRY.values()) + list(DTYPE_REGISTRY.values())
    stems = {opdef.stem for opdef in impls}
    assert stems, "no operator registered"
    # another dtype's implementation lives in ops/<dtype>/<stem>.py, or (data movement that
    # runs on bytes whatever the type) is registered by the primary's own module
    missing = sorted({f"{_folder(d)}/{d.stem}.py" for d in impls
                      if not (ROOT / f"{_folder(d)}/{d.stem}.py").is_file()
                      and not (ROOT / f"tinyengine_pio/ops/{d.stem}.py").is_file()} |
                     {f"tests/ops/test_{d.stem}.py" for d in impls
                      if not (ROOT / f"tests/ops/test_{d.stem}.py").is_file()})
    assert not missing, "operator stems without their module or test file: " + ", ".join(missing)
    strays = sorted(p.name for p in (ROOT / "tests" / "ops").glob("test_*.py")
                    if p.stem[len("test_"):] not in stems
                    and not p.stem.endswith("_models"))     # multi-operator graphs per dtype
    assert not strays, "tests/ops files that match no operator stem: " + ", ".join(strays)


def test_every_operator_declares_what_validation_checks():
    """validate.py checks each op against its own declaration: a new operator must say what its
    output shape is (OpDef.check), so a model whose shapes disagree is refused, not miscompiled."""
    missing = sorted(f"{d.name} ({d.dtype})" for d in list(REGISTRY.values()) +
                     list(DTYPE_REGISTRY.values()) if d.check is None)
    assert not missing, "operators without OpDef.check (output shape semantics): " + ", ".join(missing)


def test_readme_table_lists_every_implementation():
    """README's "Supported operators" table is benchmarks/op_table.py's, for what is registered."""
    from benchmarks.op_table import implementations, markdown
    readme = (ROOT / "README.md").read_text()
    assert markdown(implementations()) in readme, \
        "README's operator table is stale: paste `python -m benchmarks.op_table`'s output"
