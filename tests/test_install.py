"""The install story: extras for each integration, and a named error naming the extra when one
is missing (issue 19)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tinyengine_pio.harness.errors import BuildError
from tinyengine_pio.harness.firmware import require_platformio

if sys.version_info >= (3, 11):
    import tomllib
else:                                           # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def test_extras_name_each_integration():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith("platformio") for d in extras["platformio"])
    assert any(d.startswith("west") for d in extras["zephyr"])
    for dep in ("west", "platformio"):           # so the test suite runs the Zephyr/PIO tests
        assert any(d.startswith(dep) for d in extras["test"])
    readme = (ROOT / "README.md").read_text()
    assert 'pip install "tinyengine-pio[platformio]"' in readme
    assert 'pip install "tinyengine-pio[zephyr]"' in readme


def test_missing_platformio_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "platformio" else real(name, *a))
    with pytest.raises(BuildError, match=r"pip install 'tinyengine-pio\[platformio\]'"):
        require_platformio()
