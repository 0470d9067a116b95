"""Our pytest plugin next to pytest-embedded and labgrid's pytest plugin.

A user suite that uses ``tinyengine_dut`` runs in a nested pytest (real build,
real QEMU) with pytest-embedded (+ -serial, -qemu) and labgrid installed:

* labgrid's plugin overrides pytest-embedded's ``target`` fixture with one that
  needs ``env``, which skips without ``--lg-env``; pytest-embedded's autouse
  ``parametrize_fixtures`` requests ``target``, so *every* test is skipped,
  ours included -- unless labgrid's plugin is disabled (``-p no:labgrid``);
* with ``-p no:labgrid`` the suite passes, pytest-embedded active;
* pytest-embedded's ``--port`` (serial service option) is picked up by
  ``tinyengine_dut`` when ``--te-port`` is absent: one command line for both.
"""
from __future__ import annotations

import os
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from tests.helpers import opmodels
from tinyengine_pio.harness.firmware import have_toolchain
from tinyengine_pio.harness.targets import free_port

pytest.importorskip("pytest_embedded", reason="pytest-embedded is not installed")
pytest_plugins = ["pytester"]
pytestmark = pytest.mark.skipif(bool(have_toolchain()),
                                reason="harness tests need: " + ", ".join(have_toolchain()))

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "tinyengine_pio.harness.pytest_plugin"

USER_TESTS = '''
import numpy as np
import pytest


@pytest.mark.tinyengine_model("fc.tflite")
def test_fc(tinyengine_dut, request):
    assert request.config.pluginmanager.hasplugin("pytest_embedded")
    r = tinyengine_dut.infer((np.arange(32) - 16).astype(np.int8).reshape(1, 32))
    assert r.matches_reference and r.latency_unit == "instructions"
    print("TE-TRANSPORT", tinyengine_dut.client.t.url)
'''


def _plugin_args() -> list[str]:
    if any(ep.value == PLUGIN for ep in metadata.entry_points(group="pytest11")):
        return []
    return ["-p", PLUGIN]


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    return ["--te-cache-dir", str(tmp_path_factory.mktemp("emb_cache")),
            "--te-core-dir", str(tmp_path_factory.mktemp("emb_core"))]


@pytest.fixture
def suite(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    (pytester.path / "fc.tflite").write_bytes(
        opmodels.fully_connected(in_features=32, out_features=10))
    pytester.makepyfile(test_user=USER_TESTS)
    return pytester


@pytest.mark.qemu
@pytest.mark.platformio
def test_runs_with_pytest_embedded_when_labgrid_plugin_is_disabled(suite, dirs):
    r = suite.runpytest_subprocess(*_plugin_args(), "-p", "no:labgrid", "-p",
                                   "no:cacheprovider", "-s", *dirs, timeout=120)
    r.assert_outcomes(passed=1)
    r.stdout.fnmatch_lines(["*TE-TRANSPORT socket://127.0.0.1:*"])


def test_labgrid_plugin_skips_everything_unless_disabled(suite, dirs):
    pytest.importorskip("labgrid", reason="labgrid is not installed")
    r = suite.runpytest_subprocess(*_plugin_args(), "-p", "no:cacheprovider", "-rs", *dirs,
                                   timeout=120)
    r.assert_outcomes(skipped=1)
    r.stdout.fnmatch_lines(["*missing environment config (use --lg-env)*"])


@pytest.mark.qemu
@pytest.mark.platformio
def test_tinyengine_dut_takes_pytest_embedded_port(suite, dirs, tmp_path_factory):
    """The target already runs (QEMU serving its UART on a TCP port); the port is
    given the pytest-embedded way: --embedded-services serial --port URL."""
    from tinyengine_pio.harness.firmware import build_firmware
    fw = build_firmware(opmodels.fully_connected(in_features=32, out_features=10),
                        "mps2-an386", cache_dir=dirs[1], core_dir=dirs[3])
    port = free_port()
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-machine", "mps2-an386", "-cpu", "cortex-m4", "-nographic",
         "-monitor", "none", "-semihosting-config", "enable=on,target=native", "-icount",
         "shift=0", "-serial", "tcp:127.0.0.1:%d,server=on,wait=off" % port,
         "-kernel", fw.elf], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT)
    try:
        r = suite.runpytest_subprocess(
            *_plugin_args(), "-p", "no:labgrid", "-p", "no:cacheprovider", "-s", *dirs,
            "--embedded-services", "serial", "--port", "socket://127.0.0.1:%d" % port,
            timeout=120)
        r.assert_outcomes(passed=1)
        r.stdout.fnmatch_lines(["*TE-TRANSPORT socket://127.0.0.1:%d" % port])
        assert qemu.wait(timeout=10) == 0      # our Dut sent EXIT on that connection
    finally:
        if qemu.poll() is None:
            qemu.kill()
        qemu.wait()


WHICH_DUT = '''
def test_which_dut(request):
    defs = request._fixturemanager.getfixturedefs("dut", request.node)
    print("DUT-DEFS", [f.func.__module__ + "." + f.func.__qualname__ for f in defs])
'''


@pytest.mark.parametrize("embedded,want", [
    (True, "['pytest_embedded.plugin.dut']"),
    (False, "['tinyengine_pio.harness.pytest_plugin._DutAlias.dut']"),
])
def test_dut_alias_gives_way_to_pytest_embedded(pytester, monkeypatch, embedded, want):
    """Our ``dut`` alias is not registered when pytest-embedded is active (it would
    shadow pytest-embedded's ``dut``); ``tinyengine_dut`` is always there."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    pytester.makepyfile(test_which=WHICH_DUT)
    args = [*_plugin_args(), "-p", "no:labgrid", "-p", "no:cacheprovider", "-s"]
    if not embedded:
        args += ["-p", "no:pytest_embedded"]
    r = pytester.runpytest_subprocess(*args, timeout=60)
    r.assert_outcomes(passed=1)
    r.stdout.fnmatch_lines(["*DUT-DEFS " + want.replace("[", "[[]")])
