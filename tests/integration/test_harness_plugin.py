"""The pytest plugin as a user sees it: a hardware-in-the-loop test file run by a
nested pytest (real PlatformIO build, real QEMU), results written as JSON."""
from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path

import pytest

from tests.helpers import opmodels
from tinyengine_pio.harness.firmware import have_toolchain

pytest_plugins = ["pytester"]
pytestmark = [pytest.mark.qemu, pytest.mark.platformio,
              pytest.mark.skipif(bool(have_toolchain()),
                                 reason="harness tests need: " + ", ".join(have_toolchain()))]

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "tinyengine_pio.harness.pytest_plugin"

USER_TESTS = '''
import numpy as np
import pytest


@pytest.mark.tinyengine_model("fc.tflite")
def test_fc_on_target(dut):
    x = (np.arange(32) - 16).astype(np.int8).reshape(1, 32)
    result = dut.infer(x)
    assert result.matches_reference
    assert result.peak_sram_bytes < 128 * 1024
    assert result.latency > 0 and result.latency_unit == "instructions"
    assert result.arena_bytes == dut.cm.arena_bytes


@pytest.mark.tinyengine_model("fc.tflite")
def test_seeded_inputs_several_runs(dut):
    result = dut.infer(seed=3, runs=4)
    assert result.matches_reference and result.runs == 4


def test_without_model_is_skipped(dut):
    pass
'''


def _plugin_args() -> list[str]:
    eps = metadata.entry_points(group="pytest11")
    if any(ep.value == PLUGIN for ep in eps):
        return []              # installed with the pytest11 entry point
    return ["-p", PLUGIN]


def test_plugin_fixtures_and_json(pytester, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    (pytester.path / "fc.tflite").write_bytes(opmodels.fully_connected())
    pytester.makepyfile(test_user=USER_TESTS)
    results = pytester.path / "hil.json"
    r = pytester.runpytest_subprocess(
        *_plugin_args(), "-p", "no:labgrid", "-p", "no:pytest_embedded", "-p", "no:cacheprovider",
        "-rs",
        "--te-cache-dir", str(tmp_path_factory.mktemp("plugin_cache")),
        "--te-core-dir", str(tmp_path_factory.mktemp("plugin_core")),
        "--te-results", str(results), timeout=300)
    r.assert_outcomes(passed=2, skipped=1)
    r.stdout.fnmatch_lines(["*no model: mark the test with @pytest.mark.tinyengine_model*"])
    data = json.loads(results.read_text())
    labels = [d["label"] for d in data]
    assert len(labels) == 2 and labels[0].endswith("test_user.py::test_fc_on_target")
    assert labels[1].endswith("test_user.py::test_seeded_inputs_several_runs")
    assert all(d["matches_reference"] and d["latency_unit"] == "instructions" for d in data)
    assert data[1]["runs"] == 4 and len(data[0]["outputs"][0]) == 10
