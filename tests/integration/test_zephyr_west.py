"""Real Zephyr builds of sample_apps/zephyr_kws with `west build`, run in QEMU, compared with TFLM.

Runs only when ZEPHYR_BASE points at a Zephyr tree inside a west workspace (with the Cortex-M
module cmsis_6), `west` is on PATH and a Zephyr toolchain is configured in the environment
(e.g. ZEPHYR_TOOLCHAIN_VARIANT=cross-compile CROSS_COMPILE=/usr/bin/arm-none-eabi-).  Extra
CMake arguments come from TINYENGINE_ZEPHYR_CMAKE_ARGS, e.g.
"-DSYSROOT_DIR=/usr/lib/arm-none-eabi/newlib -DUSER_CACHE_DIR=/tmp/zcache".

The float-I/O tests build the harness sample with Zephyr's default minimal libc (no libm) from
a relative build directory, run from the caller's directory, and compare with TFLM.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_model
from tests.integration.test_zephyr_module import MODULE, SAMPLE, _assert_matches_tflm

HARNESS_SAMPLE = ROOT / "sample_apps" / "zephyr_harness"

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


def _float_io_model(path: Path) -> Path:
    """float32 in -> QUANTIZE -> CONV_2D -> FULLY_CONNECTED -> DEQUANTIZE -> float32 out."""
    import numpy as np

    from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
    rng = np.random.default_rng(11)
    mb = ModelBuilder(description="tinyengine float-I/O zephyr test")
    xf = mb.tensor([1, 6, 6, 2], "float32", name="x")
    x = mb.tensor([1, 6, 6, 2], "int8", scale=0.04, zero_point=3, name="xq")
    mb.op("QUANTIZE", [xf], [x])
    w, s = random_conv_weights(rng, [3, 3, 3, 2], True, scale_range=(0.005, 0.01))
    b, bs = random_bias(rng, 3, 0.04, s, magnitude=100)
    c = mb.tensor([1, 3, 3, 3], "int8", scale=0.05, zero_point=-10, name="conv")
    mb.op("CONV_2D", [x, mb.const(w, scale=s, zero_point=0, quant_dim=0),
                      mb.const(b, scale=bs, zero_point=0)], [c],
          {"padding": "SAME", "stride_h": 2, "stride_w": 2, "fused_activation_function": "RELU"})
    r = mb.tensor([1, 27], "int8", scale=0.05, zero_point=-10, name="flat")
    mb.op("RESHAPE", [c, mb.const(np.array([1, 27], np.int32))], [r], {"new_shape": [1, 27]})
    fw, fs = random_conv_weights(rng, [4, 27], False, scale_range=(0.01, 0.02))
    fb, fbs = random_bias(rng, 4, 0.05, fs, magnitude=50)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=1, name="y")
    mb.op("FULLY_CONNECTED", [r, mb.const(fw, scale=fs, zero_point=0),
                              mb.const(fb, scale=fbs, zero_point=0)], [y])
    yf = mb.tensor([1, 4], "float32", name="yf")
    mb.op("DEQUANTIZE", [y], [yf])
    path.write_bytes(mb.build(inputs=[xf], outputs=[yf]))
    return path


def _west_build_here(cwd: Path, board: str, build: str, model: Path, *cmake_args: str) -> None:
    """`west build -d <relative>` from ``cwd``, as a user types it (not from ZEPHYR_BASE)."""
    extra = shlex.split(os.environ.get("TINYENGINE_ZEPHYR_CMAKE_ARGS", ""))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]]
                                                       if env.get("PYTHONPATH") else []))
    r = subprocess.run(["west", "build", "-p", "always", "-b", board, "-d", build,
                        str(HARNESS_SAMPLE), "--", f"-DEXTRA_ZEPHYR_MODULES={MODULE}",
                        f"-DTINYENGINE_MODEL={model}", '-DCONFIG_TINYENGINE_MODEL_PATH=""',
                        *extra, *cmake_args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=900, check=False)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    conf = (cwd / build / "zephyr" / ".config").read_text()
    assert "CONFIG_MINIMAL_LIBC=y" in conf          # Zephyr's default: no libm
    assert "CONFIG_NEWLIB_LIBC=y" not in conf and "CONFIG_PICOLIBC=y" not in conf


def test_float_io_model_on_minimal_libc_from_a_relative_build_dir(tmp_path, west_ready,
                                                                  monkeypatch, capsys):
    """mps2/an385 (Cortex-M3, soft float): `west build -d build-f` in the caller's directory,
    then `tinyengine-pio bench --zephyr-build build-f --zephyr-run` there: outputs byte-exact
    against TFLM, and nothing written into ZEPHYR_BASE."""
    from tinyengine_pio.harness import cli
    model = _float_io_model(tmp_path / "float_io.tflite")
    here = tmp_path / "app"
    here.mkdir()
    _west_build_here(here, "mps2/an385", "build-f", model,
                     "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay")
    monkeypatch.chdir(here)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))                 # west may re-run CMake
    out = tmp_path / "r.json"
    rc = cli.main(["--zephyr-build", "build-f", "--zephyr-run", "--runs", "3", "-q",
                   "--output", str(out)])
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    res = json.loads(out.read_text())
    assert res["matches_reference"] is True and res["board"] == "mps2/an385", res
    assert not (Path(ZEPHYR_BASE) / "build-f").exists()


def test_float_io_shared_model_on_an386_minimal_libc(tmp_path, west_ready):
    """mps2/an386 (Cortex-M4F; Zephyr runs it only in the ARM FVP, so QEMU's mps2-an386
    machine is started here): mcunet_vww (float input) byte-exact against TFLM -- the model
    that gave `4f 67 16 bf ...` with roundf undeclared and libm linked by hand."""
    model = shared_model("tinyengine_mcunet_vww_80_floatio.tflite")
    _west_build_here(tmp_path, "mps2/an386", "build-vww", model,
                     "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay")
    r, r2 = _run_on_an386(tmp_path / "build-vww" / "zephyr" / "zephyr.elf", model)
    assert r.matches_reference is True and r2.matches_reference is True, (r.mismatch,
                                                                         r2.mismatch)


def _float32_model(path: Path) -> Path:
    """A fully float32 CNN ending in SOFTMAX and TANH: te_float.h's exp and tanh, no libm."""
    import numpy as np

    from tests.helpers.builder import ModelBuilder
    from tests.helpers.float_windows import conv, depthwise, pool
    rng = np.random.default_rng(5)
    mb = ModelBuilder(description="tinyengine float32 zephyr test")
    x = mb.tensor([1, 10, 10, 3], "float32", name="x")
    h, s = conv(mb, x, (1, 10, 10, 3), 6, stride=(2, 2), act="RELU6", rng=rng)
    h, s = depthwise(mb, h, s, act="RELU", rng=rng)
    h, s = pool(mb, h, s, "AVERAGE_POOL_2D")
    depth = int(np.prod(s[1:]))
    logits = mb.tensor([1, 5], "float32", name="logits")
    mb.op("FULLY_CONNECTED", [h, mb.const((rng.standard_normal((5, depth)) * 0.3)
                                          .astype(np.float32)), None], [logits])
    probs = mb.tensor([1, 5], "float32", name="probs")
    mb.op("SOFTMAX", [logits], [probs], {"beta": 1.0})
    y = mb.tensor([1, 5], "float32", name="y")
    mb.op("TANH", [probs], [y])
    path.write_bytes(mb.build(inputs=[x], outputs=[y]))
    return path


def test_float32_model_on_minimal_libc(tmp_path, west_ready, monkeypatch, capsys):
    """A float32 model (CONV, DEPTHWISE, pool, FC, SOFTMAX, TANH) on mps2/an385 (Cortex-M3,
    soft float) with Zephyr's minimal libc: it links without libm and matches TFLM within the
    float tolerance."""
    from tinyengine_pio.harness import cli
    model = _float32_model(tmp_path / "float32.tflite")
    here = tmp_path / "app"
    here.mkdir()
    _west_build_here(here, "mps2/an385", "build-f32", model,
                     "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay")
    monkeypatch.chdir(here)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    out = tmp_path / "r.json"
    rc = cli.main(["--zephyr-build", "build-f32", "--zephyr-run", "--runs", "2", "-q",
                   "--output", str(out)])
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    res = json.loads(out.read_text())
    assert res["matches_reference"] is True, res


def _run_on_an386(elf: Path, model: Path, optimize: str = "speed", fuse=None):
    """Run a Zephyr mps2/an386 harness ELF in QEMU's mps2-an386 (Zephyr's own runner for it is
    the ARM FVP) and infer twice through the harness; returns both results. `optimize`: the
    build's (the Dut compiles the same code to check the identity)."""
    from tinyengine_pio.harness.dut import Dut
    from tinyengine_pio.harness.targets import TARGETS, free_port
    port = free_port()
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-machine", "mps2-an386", "-cpu", "cortex-m4", "-nographic",
         "-monitor", "none", "-serial", "null",
         "-serial", f"tcp:127.0.0.1:{port},server=on,wait=on", "-kernel", str(elf)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        target = TARGETS["serial"](f"socket://127.0.0.1:{port}", source_name=model.name)
        target.optimize, target.fuse = optimize, fuse
        dut = Dut.attach(target, model.read_bytes(), model.name, timeout=30)
        try:
            assert dut.identity.board == "mps2/an386"
            assert dut.identity.latency_unit == "ticks"          # k_cycle_get_32(), no DWT
            return dut.infer(runs=2), dut.infer(runs=1, seed=1)
        finally:
            dut.close()
    finally:
        qemu.kill()
        qemu.wait()


def test_float32_model_on_the_m4f_fpu(tmp_path, west_ready):
    """The same float32 model on mps2/an386 (Cortex-M4F): the float kernels run on the FPU, with
    no fused multiply-add (the module builds *_f32.c with -ffp-contract=off), within TFLM's
    tolerance."""
    model = _float32_model(tmp_path / "float32.tflite")
    _west_build_here(tmp_path, "mps2/an386", "build-f32", model,
                     "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay")
    elf = tmp_path / "build-f32" / "zephyr" / "zephyr.elf"
    code = subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    assert "vmul.f32" in code and "vfma" not in code
    r, r2 = _run_on_an386(elf, model)
    assert r.matches_reference is True and r2.matches_reference is True, (r.mismatch,
                                                                         r2.mismatch)


def test_fused_stages_on_an386(tmp_path, west_ready):
    """CONFIG_TINYENGINE_OPTIMIZE_MEMORY=y: the module compiles with --optimize memory, the
    fused stages' code builds in a real Zephyr tree and runs byte-exact with TFLM on the
    Cortex-M4 (the DSP kernels on one-row slices)."""
    from tests.helpers.stage_models import conv_dw_conv
    model = tmp_path / "stages.tflite"
    model.write_bytes(conv_dw_conv())
    _west_build_here(tmp_path, "mps2/an386", "build-st", model,
                     "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay",
                     "-DCONFIG_TINYENGINE_OPTIMIZE_MEMORY=y")
    found = list((tmp_path / "build-st").rglob("model.json"))
    assert found and any('"stages"' in p.read_text() for p in found), found
    r, r2 = _run_on_an386(tmp_path / "build-st" / "zephyr" / "zephyr.elf", model, "memory")
    assert r.matches_reference is True and r2.matches_reference is True, (r.mismatch,
                                                                         r2.mismatch)


def test_ram_budget_on_an386(tmp_path, west_ready):
    """CONFIG_TINYENGINE_RAM_BUDGET below the layer-by-layer arena: the fastest fused schedule
    that fits is built and runs byte-exact; the harness takes the schedule from model.json."""
    from tests.helpers.stage_models import conv_dw_conv
    from tinyengine_pio.harness.dut import stage_ranges
    from tinyengine_pio.metadata import ModelMetadata
    model = tmp_path / "budget.tflite"
    model.write_bytes(conv_dw_conv())
    _west_build_here(tmp_path, "mps2/an386", "build-b", model,
                     "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay",
                     "-DCONFIG_TINYENGINE_RAM_BUDGET=16384")
    md = ModelMetadata.load(next((tmp_path / "build-b").rglob("model.json")))
    assert md.stages and md.arena.bytes <= 16384
    r, r2 = _run_on_an386(tmp_path / "build-b" / "zephyr" / "zephyr.elf", model,
                          fuse=stage_ranges(md))
    assert r.matches_reference is True and r2.matches_reference is True, (r.mismatch,
                                                                         r2.mismatch)
