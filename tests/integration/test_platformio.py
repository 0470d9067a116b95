"""PlatformIO integration: the tinyengine-qemu platform + the model build hook.

These tests really run ``pio run`` / ``pio run -t upload`` (offline, against a
temporary PlatformIO core dir prepared by ``tinyengine_pio.platformio.setup``)
and execute the firmware in qemu-system-arm.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinyengine_pio.platformio import BOARDS_DIR, HOOK_PATH
from tinyengine_pio.platformio.hook import STAMP_NAME, fit_errors
from tinyengine_pio.platformio.setup import offline_env, setup

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_apps" / "platformio_kws"


def _missing_tools() -> list[str]:
    missing = []
    if importlib.util.find_spec("platformio") is None:
        missing.append("platformio (pip install platformio==6.2.0 scons==4.11.1)")
    elif importlib.util.find_spec("SCons") is None:
        missing.append("scons (pip install scons==4.11.1)")
    for tool in ("arm-none-eabi-gcc", "qemu-system-arm"):
        if shutil.which(tool) is None:
            missing.append(tool)
    return missing


pytestmark = [pytest.mark.platformio, pytest.mark.skipif(
    bool(_missing_tools()), reason="PlatformIO tests need: " + ", ".join(_missing_tools()))]


def _load_make_model():
    spec = importlib.util.spec_from_file_location("kws_make_model", SAMPLE / "make_model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def pio_core(tmp_path_factory):
    core = tmp_path_factory.mktemp("pio_core")
    setup(str(core))
    setup(str(core))  # idempotent
    return core


@pytest.fixture(scope="session")
def pio_env(pio_core):
    env = offline_env(str(pio_core))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def pio(env, project: Path, *args, check=None, timeout=300):
    proc = subprocess.run(
        [sys.executable, "-m", "platformio", "run", "-d", str(project), *args],
        env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    out = proc.stdout + proc.stderr
    if check is True:
        assert proc.returncode == 0, out
    elif check is False:
        assert proc.returncode != 0, out
    return proc.returncode, out


def make_project(dest: Path, model: bytes | None, extra_ini: str = "", board="mps2-an386",
                 model_opt="model/sample.tflite") -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SAMPLE / "src", dest / "src", dirs_exist_ok=True)
    if model is not None:
        (dest / "model").mkdir(exist_ok=True)
        (dest / "model" / "sample.tflite").write_bytes(model)
    (dest / "platformio.ini").write_text(
        "[env:test]\nplatform = tinyengine-qemu\nboard = %s\n"
        "custom_tinyengine_model = %s\n%s" % (board, model_opt, extra_ini))
    return dest


def gen_dir(project: Path, env_name="test") -> Path:
    return project / ".pio" / "build" / env_name / "tinyengine"


@pytest.fixture(scope="module")
def make_model():
    return _load_make_model()


@pytest.fixture(scope="module")
def built(tmp_path_factory, pio_env, make_model):
    """One built project shared by the tests that do not modify it."""
    project = make_project(tmp_path_factory.mktemp("pio_kws"), make_model.build())
    _, out = pio(pio_env, project, check=True)
    return project, out


def expected_output(model: bytes) -> np.ndarray:
    from tests.helpers.tflm import model_io, run_tflm
    shape = model_io(model)["inputs"][0]["shape"]
    n = int(np.prod(shape))
    x = ((np.arange(n) % 256) - 128).astype(np.int8).reshape(shape)
    return run_tflm(model, x)[0].reshape(-1)


def parse_output(text: str) -> np.ndarray:
    m = re.search(r"^output:((?: [0-9a-f]{2})+)\s*$", text, re.M)
    assert m, text
    return np.array([int(b, 16) for b in m.group(1).split()], dtype=np.uint8).view(np.int8)


def test_build_generates_sources(built):
    project, out = built
    assert "TinyEngine: generated model/sample.tflite" in out
    g = gen_dir(project)
    stamp = json.loads((g / STAMP_NAME).read_text())
    assert "model.c" in stamp["files"] and "model.h" in stamp["files"]
    assert stamp["arena_bytes"] > 0
    assert (project / ".pio" / "build" / "test" / "program.elf").is_file()


def _qemu_has_machine(machine: str) -> bool:
    try:
        out = subprocess.run(["qemu-system-arm", "-machine", "help"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return re.search(r"^%s\s" % re.escape(machine), out, re.M) is not None


@pytest.mark.qemu
@pytest.mark.parametrize("board", ["mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547"])
def test_upload_runs_in_qemu_and_matches_tflm(tmp_path, built, pio_env, make_model, board):
    board_json = json.loads(Path(BOARDS_DIR, board + ".json").read_text())
    qemu_machine = board_json["build"]["qemu_machine"]
    if not _qemu_has_machine(qemu_machine):
        pytest.skip("this qemu-system-arm has no machine %s" % qemu_machine)
    if board == "mps2-an386":
        project = built[0]
    else:
        project = make_project(tmp_path / "p", make_model.build(), board=board)
    rc, out = pio(pio_env, project, "-t", "upload", check=True)
    model = (project / "model" / "sample.tflite").read_bytes()
    got = parse_output(out)
    np.testing.assert_array_equal(got, expected_output(model))
    top = int(np.argmax(got))
    assert re.search(r"^top class: %d \(score %d\)" % (top, got[top]), out, re.M), out
    assert re.search(r"^inference: \d+ instructions", out, re.M), out
    arena = json.loads((gen_dir(project) / STAMP_NAME).read_text())["arena_bytes"]
    assert "arena: %d bytes" % arena in out


def test_second_build_does_not_regenerate(built, pio_env):
    project, _ = built
    g = gen_dir(project)
    before = {p.name: p.stat().st_mtime_ns for p in [g / STAMP_NAME, *(g / "src").iterdir()]}
    _, out = pio(pio_env, project, check=True)
    assert "TinyEngine: up to date" in out
    after = {p.name: p.stat().st_mtime_ns for p in [g / STAMP_NAME, *(g / "src").iterdir()]}
    assert before == after
    assert "Compiling" not in out  # nothing rebuilt either


@pytest.mark.qemu
def test_model_change_regenerates(tmp_path, pio_env, make_model):
    project = make_project(tmp_path / "p", make_model.build(seed=0))
    pio(pio_env, project, check=True)
    key0 = json.loads((gen_dir(project) / STAMP_NAME).read_text())["key"]
    (project / "model" / "sample.tflite").write_bytes(make_model.build(seed=1))
    _, out = pio(pio_env, project, "-t", "upload", check=True)
    assert "TinyEngine: generated" in out
    key1 = json.loads((gen_dir(project) / STAMP_NAME).read_text())["key"]
    assert key0 != key1
    np.testing.assert_array_equal(parse_output(out), expected_output(make_model.build(seed=1)))


def test_prefix_change_regenerates_without_stale_files(tmp_path, pio_env, make_model):
    project = make_project(tmp_path / "p", make_model.build())
    pio(pio_env, project, check=True)
    ini = project / "platformio.ini"
    ini.write_text(ini.read_text() + "custom_tinyengine_prefix = kws\n")
    # main.c includes model.h, so this build fails to compile main.c -- but
    # the generator must have replaced the sources (no stale model.c left).
    pio(pio_env, project)
    files = sorted(p.name for p in (gen_dir(project) / "src").iterdir())
    assert "kws.c" in files and "model.c" not in files


def test_missing_model_fails_clearly(tmp_path, pio_env):
    project = make_project(tmp_path / "p", None)
    _, out = pio(pio_env, project, check=False)
    assert "tinyengine: model file not found:" in out
    assert "custom_tinyengine_model = model/sample.tflite" in out


def test_unset_model_option_fails_clearly(tmp_path, pio_env):
    project = make_project(tmp_path / "p", None)
    (project / "platformio.ini").write_text(
        "[env:test]\nplatform = tinyengine-qemu\nboard = mps2-an386\n"
        "extra_scripts = pre:%s\n" % HOOK_PATH)
    _, out = pio(pio_env, project, check=False)
    assert "custom_tinyengine_model is not set in [env:test]" in out


def test_corrupt_model_fails_with_compiler_message_and_keeps_old_files(tmp_path, pio_env,
                                                                        make_model):
    project = make_project(tmp_path / "p", make_model.build())
    pio(pio_env, project, check=True)
    g = gen_dir(project)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes())
              for p in [g / STAMP_NAME, *(g / "src").iterdir()]}
    (project / "model" / "sample.tflite").write_bytes(b"this is not a tflite model")
    _, out = pio(pio_env, project, check=False)
    assert "tinyengine: cannot compile model/sample.tflite:" in out
    assert "not a TensorFlow Lite flatbuffer" in out
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes())
             for p in [g / STAMP_NAME, *(g / "src").iterdir()]}
    assert before == after


def test_model_too_big_for_board(tmp_path, pio_env, make_model):
    """The estimate (before any C is emitted) stops it, with the figures and the reserve."""
    project = make_project(tmp_path / "p", make_model.build(), board="tiny")
    board = json.loads(Path(BOARDS_DIR, "mps2-an386.json").read_text())
    board["upload"]["maximum_ram_size"] = 64
    (project / "boards").mkdir()
    (project / "boards" / "tiny.json").write_text(json.dumps(board))
    _, out = pio(pio_env, project, check=False)
    m = re.search(r"model does not fit tiny: arena at least (\d+) bytes \+ reserve 16384 bytes "
                  r"\(default; set custom_tinyengine_ram_reserve\) = (\d+) bytes exceeds RAM 64 "
                  r"bytes by (\d+) bytes \(estimated before compiling\)", out)
    assert m, out
    low, total, over = map(int, m.groups())
    assert 64 < low <= 1064 and total == low + 16384 and over == total - 64
    assert not (gen_dir(project) / STAMP_NAME).exists()  # nothing was compiled
    assert "Compiling" not in out  # stopped before building anything


def _small_ram_board(project: Path, name: str, ram: int) -> None:
    board = json.loads(Path(BOARDS_DIR, "mps2-an386.json").read_text())
    board["upload"]["maximum_ram_size"] = ram
    board["build"]["stack_size"] = 8192         # the linker script's stack (default 64K)
    (project / "boards").mkdir(exist_ok=True)
    (project / "boards" / (name + ".json")).write_text(json.dumps(board))


@pytest.mark.qemu
def test_model_fits_only_with_fused_stages(tmp_path, pio_env):
    """Layer by layer the arena (37,924 B) does not fit 32K - the 16K reserve; the hook compiles
    again with --ram-budget 16384, says so, and the fused firmware equals TFLM in QEMU."""
    from tests.helpers.stage_models import conv_dw_conv
    model = conv_dw_conv()
    project = make_project(tmp_path / "p", model, board="small")
    _small_ram_board(project, "small", 32 * 1024)
    _, out = pio(pio_env, project, "-t", "upload", check=True)
    assert re.search(r"TinyEngine: model arena 37,924 B does not fit 16,384 B \(RAM 32K - "
                     r"reserve 16K\); fused stages 0-2 fit: arena 9,752 B, about [+-][\d.]+% "
                     r"instructions", out), out
    assert re.search(r"TinyEngine: generated model/sample.tflite .*\(arena 9752 bytes, weights "
                     r"\d+ bytes; fused stages 0-2\)", out), out
    np.testing.assert_array_equal(parse_output(out), expected_output(model))
    stamp = json.loads((gen_dir(project) / STAMP_NAME).read_text())
    assert stamp["ram_budget"] == 16384 and stamp["layerwise_arena"] == 37924
    # the next build keeps it; a board with room for layer by layer goes back to it
    _, out = pio(pio_env, project, check=True)
    assert "TinyEngine: up to date" in out and "fused stages 0-2" in out, out
    _small_ram_board(project, "small", 64 * 1024)
    _, out = pio(pio_env, project, check=True)
    assert re.search(r"TinyEngine: generated .*\(arena 37924 bytes, weights \d+ bytes\)", out), out
    assert "does not fit" not in out


def test_model_fits_with_no_schedule(tmp_path, pio_env):
    """Not even fused stages fit 24,384 - 16,384 B: the error names the smallest arena."""
    from tests.helpers.stage_models import conv_dw_conv
    project = make_project(tmp_path / "p", conv_dw_conv(), board="small")
    _small_ram_board(project, "small", 16384 + 8000)
    _, out = pio(pio_env, project, check=False)
    assert "Error: tinyengine: model does not fit small: RAM 24384 bytes - reserve 16384 bytes " \
           "(default; set custom_tinyengine_ram_reserve) leaves 8000 bytes for the arena, and no " \
           "schedule fits the RAM budget of 8000 B: the smallest arena is 9752 B (fused stages " \
           "0-2)" in out, out
    assert not (gen_dir(project) / STAMP_NAME).exists()
    assert "Compiling" not in out


def test_clean_works_without_model(tmp_path, pio_env, make_model):
    project = make_project(tmp_path / "p", make_model.build())
    pio(pio_env, project, check=True)
    (project / "model" / "sample.tflite").unlink()
    _, out = pio(pio_env, project, "-t", "clean", check=True)
    assert "tinyengine" not in out.lower().replace("tinyengine-qemu", "")
    assert not (project / ".pio" / "build" / "test" / "program.elf").exists()


def test_hook_as_extra_script_runs_once(tmp_path, pio_env, make_model):
    project = make_project(tmp_path / "p", make_model.build(),
                           extra_ini="extra_scripts = pre:%s\n" % HOOK_PATH)
    _, out = pio(pio_env, project, check=True)
    assert out.count("TinyEngine: generated") == 1
    assert "TinyEngine: up to date" not in out


def test_fit_errors_unit():
    cfg = {"upload.maximum_ram_size": 100, "upload.maximum_size": 1000}
    assert fit_errors("b", cfg, 100, 1000) == []
    assert fit_errors("b", cfg, 150, 1001) == [
        "model does not fit b: arena 150 bytes exceeds RAM 100 bytes by 50 bytes",
        "model does not fit b: weights 1001 bytes exceeds flash 1000 bytes by 1 bytes",
    ]
    assert fit_errors("b", {}, 10**9, 10**9) == []  # unknown limits: no check
    assert fit_errors("b", cfg, 60, 10, 40, "r") == []
    assert fit_errors("b", cfg, 61, 10, 40, "stack and .bss of the last build", at_least=True) == [
        "model does not fit b: arena at least 61 bytes + reserve 40 bytes (stack and .bss of the "
        "last build) = 101 bytes exceeds RAM 100 bytes by 1 bytes"]


def test_setup_is_idempotent_and_offline_ready(pio_core):
    piopm = json.loads((pio_core / "packages" / "tool-scons" / ".piopm").read_text())
    assert piopm["name"] == "tool-scons" and piopm["version"] == "4.41101.0"
    assert piopm["spec"]["uri"].startswith("file://")
    assert (pio_core / "platforms" / "tinyengine-qemu.pio-link").is_file()
    # the Python the hook compiles with (it has this package)
    record = json.loads((pio_core / "tinyengine-pio.json").read_text())
    assert record["python"] == sys.executable
    assert Path(record["package"]) == ROOT / "tinyengine_pio"


@pytest.mark.qemu
def test_hook_as_library(tmp_path, pio_env, make_model):
    from tinyengine_pio.platformio import LIBRARY_DIR
    project = make_project(
        tmp_path / "p", make_model.build(),
        extra_ini="custom_tinyengine_autohook = no\nlib_deps = symlink://%s\n" % LIBRARY_DIR)
    _, out = pio(pio_env, project, "-t", "upload", check=True)
    assert "tinyengine-model @ 0.1.0" in out
    assert out.count("TinyEngine: generated") == 1
    np.testing.assert_array_equal(parse_output(out), expected_output(make_model.build()))


# --- real models from ../shared built into firmware -------------------------------------------

SHARED_MODELS = ROOT.parent / "shared" / "models"

SHARED_MAIN_C = r"""/* test firmware: seed-0 input from input_data.h, output 0 printed as hex */
#include <stdio.h>
#include <string.h>

#include "input_data.h"
#include "model.h"

int main(void) {
    if (model_input_bytes(0) != sizeof te_input_data) {
        printf("input size mismatch: %u != %u\n", (unsigned)model_input_bytes(0),
               (unsigned)sizeof te_input_data);
        return 2;
    }
    memcpy(model_input(0), te_input_data, sizeof te_input_data);
    int rc = model_invoke();
    if (rc != 0) {
        printf("model_invoke failed: %d\n", rc);
        return 1;
    }
    const uint8_t *out = (const uint8_t *)model_output(0);
    printf("output:");
    for (size_t i = 0; i < model_output_bytes(0); i++) printf(" %02x", (unsigned)out[i]);
    printf("\n");
    return 0;
}
"""


def seed0_input(model: bytes) -> np.ndarray:
    from tests.helpers.tflm import model_io
    shape = model_io(model)["inputs"][0]["shape"]
    return np.random.default_rng(0).integers(-128, 128, size=shape).astype(np.int8)


def make_shared_project(dest: Path, model_name: str, board="mps2-an386") -> tuple[Path, bytes]:
    path = SHARED_MODELS / model_name
    if not path.is_file():
        pytest.skip("%s is absent (real-model firmware tests need ../shared/models beside "
                    "the checkout)" % path)
    model = path.read_bytes()
    x = seed0_input(model).reshape(-1)
    project = make_project(dest, model, board=board)
    (project / "src" / "main.c").write_text(SHARED_MAIN_C)
    body = ",".join(str(int(v)) for v in x)
    (project / "src" / "input_data.h").write_text(
        "#include <stdint.h>\nstatic const int8_t te_input_data[%d] = {%s};\n" % (x.size, body))
    return project, model


@pytest.mark.qemu
@pytest.mark.parametrize("model_name", ["kws_dscnn_int8.tflite", "person_detect_int8.tflite"])
def test_shared_model_firmware_matches_tflm(tmp_path, pio_env, model_name):
    from tests.helpers.tflm import run_tflm
    project, model = make_shared_project(tmp_path / "p", model_name)
    _, out = pio(pio_env, project, "-t", "upload", check=True)
    want = run_tflm(model, seed0_input(model))[0].reshape(-1).view(np.int8)
    np.testing.assert_array_equal(parse_output(out), want)


def _unshare_prefix() -> list[str] | None:
    """`unshare -n` (root) or `unshare -rn` (user namespace) if this machine permits it."""
    if shutil.which("unshare") is None:
        return None
    for cmd in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            ok = subprocess.run(cmd + ["true"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return cmd
    return None


@pytest.mark.qemu
def test_build_and_upload_without_network(tmp_path, pio_env, make_model):
    """`pio run` + `pio run -t upload` in a network namespace with no interfaces up."""
    prefix = _unshare_prefix()
    if prefix is None:
        pytest.skip("unshare -n / unshare -rn is unavailable or not permitted here")
    project = make_project(tmp_path / "p", make_model.build())
    for args in ([], ["-t", "upload"]):
        proc = subprocess.run(
            prefix + [sys.executable, "-m", "platformio", "run", "-d", str(project), *args],
            env=pio_env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out
    np.testing.assert_array_equal(parse_output(out), expected_output(make_model.build()))


@pytest.mark.qemu
def test_benchmark_runner_per_layer(tmp_path, pio_env):
    """benchmarks/run.py end to end on the smallest shared model, with per-layer timing
    (the generated model.c calls TE_PROFILE_LAYER(step) when the build defines it)."""
    path = SHARED_MODELS / "hello_world_int8.tflite"
    if not path.is_file():
        pytest.skip("%s is absent (needs ../shared/models beside the checkout)" % path)
    from benchmarks.run import baselines, bench_one
    (row,) = bench_one("hello_world_int8", path, ["mps2-an386"], pio_env, tmp_path, True,
                       baselines())
    assert row["matches_tflm_host"] is True
    assert row["matches_baseline"] in (True, None)
    assert row["instructions"] > 0 and row["flash"] > row["rodata"] > 0
    assert 0 < row["stack_peak_bytes"] < 65536
    assert [L["step"] for L in row["layers"]] == [0, 1, 2]
    assert 0 < sum(L["instructions"] for L in row["layers"]) <= row["instructions"]


def test_unsupported_operator_fails_with_the_op_named(tmp_path, pio_env):
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    mb.op("EXP", [x], [y])
    project = make_project(tmp_path / "p", mb.build([x], [y]))
    _, out = pio(pio_env, project, check=False)
    assert "operator #0 EXP" in out and "Supported operators" in out
    assert "Compiling" not in out


def test_real_model_too_big_for_a_1mb_board(tmp_path, pio_env):
    """MobileNetV2-224 (about 1.2 MB arena, 3.5 MB weights) on an STM32F7-sized board."""
    src = ROOT.parent / "shared" / "models" / "mobilenet_v2_224_nchw_int8_toobig.tflite"
    if not src.exists():
        pytest.skip(f"{src} not found: ../shared/models is absent")
    project = make_project(tmp_path / "p", src.read_bytes(), board="f7like")
    board = json.loads(Path(BOARDS_DIR, "mps2-an386.json").read_text())
    board["upload"]["maximum_ram_size"] = 320 * 1024
    board["upload"]["maximum_size"] = 1024 * 1024
    (project / "boards").mkdir()
    (project / "boards" / "f7like.json").write_text(json.dumps(board))
    _, out = pio(pio_env, project, check=False)
    # its input and output fit 320K (fused stages might), its weights do not fit 1 MB
    assert "exceeds RAM" not in out, out
    assert re.search(r"model does not fit f7like: \w+ \d+ bytes exceeds \w+ 1048576 bytes by "
                     r"\d+ bytes", out), out
