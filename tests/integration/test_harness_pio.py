"""`tinyengine-pio bench --pio-project DIR`: the harness on the user's own PlatformIO project.

A project in tmp_path (tinyengine-qemu platform, mps2-an386, ``custom_tinyengine_harness =
yes``, ``monitor_port = socket://127.0.0.1:PORT``, main() calls te_harness_serve()) is built
and uploaded for real with ``pio run -t upload`` (offline core dir): the upload runs QEMU with
the UART on that port, the bench connects to it, checks the outputs against TFLM and ends the
upload.  No mocks.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import opmodels
from tinyengine_pio.harness.cli import main as bench_main
from tinyengine_pio.harness.dut import Dut
from tinyengine_pio.harness.errors import HarnessError
from tinyengine_pio.harness.firmware import elf_sizes, have_toolchain
from tinyengine_pio.harness.targets import free_port

pytestmark = [pytest.mark.platformio,
              pytest.mark.skipif(bool(have_toolchain()),
                                 reason="PlatformIO harness tests need: "
                                 + ", ".join(have_toolchain()))]

MAIN_C = '#include "te_harness.h"\n\nint main(void) { return te_harness_serve(); }\n'


def _ini(envs: dict, default: str | None = None) -> str:
    text = "[platformio]\ndefault_envs = %s\n\n" % default if default else ""
    for name, opts in envs.items():
        text += "[env:%s]\n" % name + "".join("%s = %s\n" % kv for kv in opts.items()) + "\n"
    return text


def _env(port: int | None = None, **extra) -> dict:
    opts = {"platform": "tinyengine-qemu", "board": "mps2-an386",
            "custom_tinyengine_model": "model/fc.tflite", "custom_tinyengine_harness": "yes"}
    if port is not None:
        opts["monitor_port"] = "socket://127.0.0.1:%d" % port
    opts.update(extra)
    return opts


def make_project(dest: Path, model: bytes, ini: str) -> Path:
    (dest / "src").mkdir(parents=True, exist_ok=True)
    (dest / "model").mkdir(exist_ok=True)
    (dest / "src" / "main.c").write_text(MAIN_C)
    (dest / "model" / "fc.tflite").write_bytes(model)
    (dest / "platformio.ini").write_text(ini)
    return dest


@pytest.fixture(scope="module")
def model():
    return opmodels.fully_connected(in_features=32, out_features=10)


@pytest.fixture(scope="module")
def project(tmp_path_factory, model):
    """Two envs: "qemu" (default_envs) and "small" (custom_tinyengine_optimize = size)."""
    ports = {"qemu": free_port(), "small": free_port()}
    ini = _ini({"qemu": _env(ports["qemu"]),
                "small": _env(ports["small"], custom_tinyengine_optimize="size")},
               default="qemu")
    return make_project(tmp_path_factory.mktemp("pio_user"), model, ini), ports


@pytest.mark.qemu
def test_bench_pio_project_byte_exact(project, dirs, tmp_path, capsys):
    path, ports = project
    out_json = tmp_path / "res.json"
    rc = bench_main(["--pio-project", str(path), "--core-dir", dirs["core_dir"], "--runs", "3",
                     "--output", str(out_json)])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    url = "socket://127.0.0.1:%d" % ports["qemu"]
    assert "fc.tflite on mps2-an386 (PlatformIO env qemu (upload, port %s))" % url in out
    assert "outputs byte-exact  yes" in out
    assert "pio: TinyEngine: harness runtime added" in err
    assert "UART on %s" % url in err
    res = json.loads(out_json.read_text())
    assert res["matches_reference"] is True and res["runs"] == 3
    assert res["latency_unit"] == "instructions"
    assert res["latency"] == res["latency_min"] == res["latency_max"] > 0
    assert 0 < res["stack_peak_bytes"] and res["arena_bytes"] > 0
    assert res["peak_sram_bytes"] == res["static_ram_bytes"] + res["stack_peak_bytes"] > 0
    elf = path / ".pio" / "build" / "qemu" / "program.elf"
    assert res["flash_bytes"] == elf_sizes(elf)["flash_bytes"] > 1000
    assert "latency             %s instructions" % "{:,}".format(res["latency"]) in out


@pytest.mark.qemu
def test_dut_platformio_other_env_and_clean_exit(project, dirs, model):
    """Dut.platformio with the model given (same bytes), a non-default env built with
    optimize=size (the identity check compiles the same way); the upload (QEMU) ends
    with the firmware's EXIT status."""
    path, ports = project
    lines = []
    dut = Dut.platformio(path, model, env="small", core_dir=dirs["core_dir"],
                         progress=lines.append)
    try:
        assert dut.target.url == "socket://127.0.0.1:%d" % ports["small"]
        assert dut.target.how() == "PlatformIO env small (upload, port %s)" % dut.target.url
        assert dut.identity.board == "mps2-an386" and dut.name == "fc.tflite"
        res = dut.infer(seed=1)
        assert res.matches_reference is True, res.mismatch
        assert res.flash_bytes == elf_sizes(dut.firmware.elf)["flash_bytes"]
    finally:
        rc = dut.close()
    assert rc == 0, dut.target.log_text()
    assert dut.target.proc is None
    assert any(line.startswith("Processing small") for line in lines)


def test_errors(project, dirs, tmp_path, capsys, model):
    path, _ = project
    core = ["--core-dir", dirs["core_dir"]]

    def bench(*args):
        rc = bench_main(["-q", *args, *core])
        return rc, capsys.readouterr().err

    # unknown env: the message lists the envs
    rc, err = bench("--pio-project", str(path), "--pio-env", "nope")
    assert rc == 2 and "no env 'nope' in %s (envs: qemu, small)" % (path / "platformio.ini") \
        in err, err
    # a model argument that is not the env's custom_tinyengine_model
    other = tmp_path / "other.tflite"
    other.write_bytes(opmodels.fully_connected(in_features=16, out_features=4))
    rc, err = bench(str(other), "--pio-project", str(path))
    assert rc == 2 and "differs from custom_tinyengine_model = model/fc.tflite of env qemu" \
        in err, err

    # several envs, no default_envs
    two = make_project(tmp_path / "two", model, _ini({"a": _env(1), "b": _env(2)}))
    rc, err = bench("--pio-project", str(two))
    assert rc == 2 and "has 2 envs: choose one with --pio-env (envs: a, b)" in err, err
    # no port configured: says which option to set
    noport = make_project(tmp_path / "noport", model, _ini({"qemu": _env()}))
    rc, err = bench("--pio-project", str(noport))
    assert rc == 2 and "no port to talk to the target: set monitor_port (or upload_port) in " \
        "[env:qemu] of %s" % (noport / "platformio.ini") in err, err
    # harness not enabled
    off = make_project(tmp_path / "off", model,
                       _ini({"qemu": _env(1, custom_tinyengine_harness="no")}))
    rc, err = bench("--pio-project", str(off))
    assert rc == 2 and "set custom_tinyengine_harness = yes" in err, err

    # the upload (here: the build) fails: exit 2 with the tail of PlatformIO's output,
    # which has the hook's message about the prefix
    bad = make_project(tmp_path / "bad", model,
                       _ini({"qemu": _env(free_port(), custom_tinyengine_prefix="kws")}))
    rc, err = bench("--pio-project", str(bad))
    assert rc == 2, err
    assert "`pio run -e qemu -t upload` failed (exit 1) in %s; output:" % bad in err
    assert "Processing qemu" in err and "[FAILED]" in err
    assert "Error: tinyengine: the harness (custom_tinyengine_harness = yes) serves the model " \
        "generated with prefix 'model': set custom_tinyengine_prefix = model" in err
    with pytest.raises(HarnessError, match="custom_tinyengine_prefix"):
        Dut.platformio(bad, core_dir=dirs["core_dir"])
    shutil.rmtree(bad)
