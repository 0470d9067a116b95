"""Real Zephyr builds of sample_apps/zephyr_kws with `west build`, run in QEMU, compared with TFLM.

Runs only when ZEPHYR_BASE points at a Zephyr tree inside a west workspace (with the Cortex-M
module cmsis_6), `west` is on PATH and a Zephyr toolchain is configured in the environment
(e.g. ZEPHYR_TOOLCHAIN_VARIANT=cross-compile CROSS_COMPILE=/usr/bin/arm-none-eabi-).  Extra
CMake arguments come from TINYENGINE_ZEPHYR_CMAKE_ARGS, e.g.
"-DSYSROOT_DIR=/usr/lib/arm-none-eabi/newlib -DUSER_CACHE_DIR=/tmp/zcache".
"""
from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import shared_model
from tests.integration.test_zephyr_module import MODULE, SAMPLE, _assert_matches_tflm

ZEPHYR_BASE = os.environ.get("ZEPHYR_BASE")

pytestmark = [
    pytest.mark.zephyr, pytest.mark.qemu,
    pytest.mark.skipif(not ZEPHYR_BASE,
                       reason="ZEPHYR_BASE is not set: real west builds need a Zephyr tree "
                              "(west workspace with cmsis_6) and an ARM toolchain"),
    pytest.mark.skipif(shutil.which("west") is None, reason="west is not installed (pip install west)"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not found"),
]


def _west(*args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(["west", *args], cwd=ZEPHYR_BASE, capture_output=True, text=True,
                       timeout=timeout)
    if check:
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return r


def _run_until_done(build: Path, timeout: float = 120) -> str:
    proc = subprocess.Popen(["west", "build", "-d", str(build), "-t", "run"], cwd=ZEPHYR_BASE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines, t0 = [], time.monotonic()
    try:
        assert proc.stdout is not None
        for ln in proc.stdout:
            lines.append(ln)
            if "tinyengine: done" in ln or "tinyengine: failed" in ln:
                break
            if time.monotonic() - t0 > timeout:
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
    return "".join(lines)


@pytest.fixture(scope="module")
def west_ready():
    r = _west("build", "-h", check=False, timeout=60)
    if r.returncode != 0:
        pytest.skip(f"`west build` is not available in {ZEPHYR_BASE} (not a west workspace?)")


@pytest.mark.parametrize("board", ["qemu_cortex_m3", "mps2/an385"])
def test_west_build_runs_in_qemu_and_matches_tflm(tmp_path, west_ready, board):
    hello = shared_model("hello_world_int8.tflite")
    build = tmp_path / "build"
    extra = shlex.split(os.environ.get("TINYENGINE_ZEPHYR_CMAKE_ARGS", ""))
    _west("build", "-p", "always", "-b", board, "-d", str(build), str(SAMPLE), "--",
          f"-DEXTRA_ZEPHYR_MODULES={MODULE}", f"-DTINYENGINE_MODEL2={hello}", *extra)
    assert (build / "zephyr" / "zephyr.elf").is_file()
    out = _run_until_done(build)
    assert "tinyengine: done" in out, out[-4000:]
    _assert_matches_tflm(out, SAMPLE / "model" / "sample.tflite", "model")
    _assert_matches_tflm(out, hello, "model2")
