"""The harness on Zephyr: CONFIG_TINYENGINE_HARNESS, sample_apps/zephyr_harness and the
Zephyr runners (tinyengine_pio/harness/zephyr_runner.py: `west flash` + serial port,
`west build -t run` for QEMU boards).

Without a Zephyr tree (CI): the module's Kconfig, the runners' failure paths with the real
`west` (pip package) -- `west flash` failing on a directory that is no Zephyr build, a serial
port that never appears -- and the CLI's option checks.  No mocks of west, gcc or QEMU.

With ZEPHYR_BASE (a west workspace with cmsis_6; ZEPHYR_TOOLCHAIN_VARIANT=cross-compile
CROSS_COMPILE=/usr/bin/arm-none-eabi-; extra CMake arguments from
TINYENGINE_ZEPHYR_CMAKE_ARGS, as in test_zephyr_west.py): real `west build`s of the sample
for mps2/an385, run in qemu-system-arm, outputs byte-exact against TFLM, and `west flash`
of a real-board build (nucleo_f746zg) up to its failure (there is no probe here).
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

MODULE = ROOT / "zephyr_module"
SAMPLE = ROOT / "sample_apps" / "zephyr_harness"
MODEL = ROOT / "sample_apps" / "zephyr_kws" / "model" / "sample.tflite"
ZEPHYR_BASE = os.environ.get("ZEPHYR_BASE")
_SEEN: dict = {}  # figures of one test that a later one compares with

needs_west = pytest.mark.skipif(shutil.which("west") is None,
                                reason="west is not installed (pip install west)")


def zephyr(f):
    """Real west builds (marked `zephyr`): skipped without ZEPHYR_BASE, west or qemu-system-arm."""
    for m in (pytest.mark.zephyr,
              pytest.mark.skipif(not ZEPHYR_BASE,
                                 reason="ZEPHYR_BASE is not set: real west builds need a Zephyr "
                                        "tree (west workspace with cmsis_6) and an ARM toolchain"),
              needs_west,
              pytest.mark.skipif(shutil.which("qemu-system-arm") is None,
                                 reason="qemu-system-arm not found")):
        f = m(f)
    return f


# --- without Zephyr --------------------------------------------------------------------------

def _kconfig(tmp_path, conf: str | None = None):
    kconfiglib = pytest.importorskip("kconfiglib", reason="pip install kconfiglib")
    root = tmp_path / "Kconfig"
    # stand-ins for the Zephyr symbols the module's options use
    syms = "".join(f'config {s}\n\tbool "{s}"\n' for s in (
        "SERIAL", "CONSOLE", "UART_CONSOLE", "PRINTK", "LOG", "BOOT_BANNER", "INIT_STACKS",
        "THREAD_STACK_INFO", "REBOOT"))
    root.write_text(f'mainmenu "test"\n{syms}config MAIN_STACK_SIZE\n\tint "stack"\n'
                    f'\tdefault 1024\nsource "{MODULE / "Kconfig"}"\n')
    k = kconfiglib.Kconfig(str(root), warn_to_stderr=False)
    if conf is not None:
        (tmp_path / "t.conf").write_text(conf)
        k.load_config(str(tmp_path / "t.conf"), replace=False)
    return k


def test_kconfig_harness_options(tmp_path):
    k = _kconfig(tmp_path, "CONFIG_TINYENGINE=y\nCONFIG_TINYENGINE_HARNESS=y\n")
    assert not k.warnings, k.warnings
    assert k.syms["TINYENGINE_HARNESS"].str_value == "n"          # needs SERIAL
    k = _kconfig(tmp_path, "CONFIG_SERIAL=y\nCONFIG_TINYENGINE=y\nCONFIG_TINYENGINE_HARNESS=y\n"
                 "CONFIG_TINYENGINE_HARNESS_PER_LAYER=y\n")
    assert k.syms["TINYENGINE_HARNESS"].str_value == "y"
    assert k.syms["INIT_STACKS"].str_value == "y"                  # selected: stack watermark
    assert k.syms["THREAD_STACK_INFO"].str_value == "y"
    assert k.syms["TINYENGINE_HARNESS_PER_LAYER"].str_value == "y"
    for s in ("TINYENGINE_HARNESS", "TINYENGINE_HARNESS_PER_LAYER",
              "TINYENGINE_HARNESS_EXIT_REBOOT"):
        assert k.syms[s].nodes[0].help, s


def test_sample_prj_conf(tmp_path):
    k = _kconfig(tmp_path, (SAMPLE / "prj.conf").read_text())
    assert not k.warnings, k.warnings
    assert k.syms["TINYENGINE_HARNESS"].str_value == "y"
    assert k.syms["TINYENGINE_MODEL_PREFIX"].str_value == "model"
    for s in ("CONSOLE", "UART_CONSOLE", "PRINTK", "LOG", "BOOT_BANNER"):
        assert k.syms[s].str_value == "n", s      # nothing else writes to the harness UART
    assert (SAMPLE / k.syms["TINYENGINE_MODEL_PATH"].str_value).resolve() == MODEL.resolve()


@needs_west
def test_west_flash_failure_on_a_non_zephyr_dir(tmp_path, capsys):
    """The real `west` on a directory that is no Zephyr build: bench exits 2 and quotes west."""
    from tinyengine_pio.harness import cli
    from tinyengine_pio.harness.targets.zephyr_build import _west_cwd
    build = tmp_path / "not-a-build"
    build.mkdir()
    # what west itself says there (same working directory as the runner's)
    direct = subprocess.run(["west", "flash", "-d", str(build)], capture_output=True, text=True,
                            cwd=_west_cwd(build, None), timeout=120)
    assert direct.returncode != 0
    last = (direct.stdout + direct.stderr).strip().splitlines()[-1]
    rc = cli.main([str(MODEL), "--zephyr-build", str(build), "--port",
                   str(tmp_path / "ttyACM9"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert f"`west flash -d {build}` failed (exit {direct.returncode}); its output:" in err, err
    assert last in err, err


@needs_west
def test_west_flash_runner_and_args_reach_west(tmp_path):
    from tinyengine_pio.harness.targets.zephyr_build import FlashError, ZephyrTarget
    t = ZephyrTarget(tmp_path, "/dev/null", runner="jlink", flash_args=["--dev-id", "123"])
    assert t.command() == ["west", "flash", "-d", str(tmp_path), "-r", "jlink", "--dev-id", "123"]
    with pytest.raises(FlashError, match=r"`west flash -d .* -r jlink --dev-id 123` failed"):
        t.start()
    t.close()


def test_missing_build_dir_and_west(tmp_path):
    from tinyengine_pio.harness.targets.zephyr_build import FlashError, ZephyrTarget
    with pytest.raises(FlashError, match="nope-west not found on PATH"):
        ZephyrTarget(tmp_path, "/dev/null", west="nope-west").start()
    if shutil.which("west"):
        with pytest.raises(FlashError, match="build directory .*/absent does not exist"):
            ZephyrTarget(tmp_path / "absent", "/dev/null").start()


def test_port_that_never_appears(tmp_path):
    from tinyengine_pio.harness.targets.zephyr_build import FlashError, ZephyrTarget
    port = str(tmp_path / "ttyACM7")
    t0 = time.monotonic()
    with pytest.raises(FlashError) as ei:
        ZephyrTarget(tmp_path, port, flash=False, connect_timeout=1.0).start()
    assert 1.0 <= time.monotonic() - t0 < 10
    msg = str(ei.value)
    assert f"the board's serial port {port} did not appear within 1 s" in msg, msg
    assert "re-enumerate" in msg and "No such file or directory" in msg, msg


@needs_west
def test_run_mode_needs_a_qemu_build_with_its_own_harness_uart(tmp_path):
    from tinyengine_pio.harness.targets.zephyr_build import FlashError, ZephyrRunTarget
    with pytest.raises(FlashError, match="not a configured Zephyr build"):
        ZephyrRunTarget(tmp_path).start()
    (tmp_path / "zephyr").mkdir()
    conf = tmp_path / "zephyr" / ".config"
    conf.write_text("CONFIG_BOARD=\"nucleo_f746zg\"\n")
    with pytest.raises(FlashError, match="not built for a QEMU board"):
        ZephyrRunTarget(tmp_path).start()
    conf.write_text("CONFIG_QEMU_TARGET=y\n")
    (tmp_path / "zephyr" / "zephyr.dts").write_text('/ { chosen { zephyr,console = &uart0; }; };')
    with pytest.raises(FlashError, match=r"multiplexes with the QEMU monitor.*0x01"):
        ZephyrRunTarget(tmp_path).start()


def test_cli_option_checks(capsys):
    from tinyengine_pio.harness import cli
    for argv, want in (
            (["--zephyr-build", "b"], "--zephyr-build needs --port PORT"),
            (["--zephyr-build", "b", "--port", "p", "--zephyr-run"], "not both"),
            ([str(MODEL), "--west-runner", "jlink"], "need --zephyr-build"),
            (["--zephyr-build", "b", "--place", "x", "--zephyr-run"], "cannot be combined")):
        with pytest.raises(SystemExit) as ei:
            cli.main(argv)
        assert ei.value.code == 2
        assert want in capsys.readouterr().err, argv


def test_host_compiles_with_the_builds_optimize_and_alignment(tmp_path):
    """The Dut's identity check recompiles the model: with the options the build used (its
    model.json: CONFIG_TINYENGINE_OPTIMIZE_SIZE, CONFIG_TINYENGINE_ALIGNMENT), else an
    aligned arena's size differs and bench refuses the build."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.harness.targets.zephyr_build import zephyr_target
    out = tmp_path / "tinyengine" / "model"
    out.mkdir(parents=True)
    cm = compile_model(MODEL.read_bytes(), name=MODEL.name, alignment=8, optimize="size")
    for n, text in cm.files.items():
        (out / n).write_text(text)
    (tmp_path / "tinyengine" / "models.json").write_text(json.dumps({"models": [
        {"prefix": "model", "model": str(MODEL), "out_dir": str(out), "target": "app"}]}))
    t = zephyr_target(tmp_path, run=True)
    assert (t.optimize, t.alignment) == ("size", 8)
    (out / "model.json").unlink()          # no model.json: the Kconfig values
    (tmp_path / "zephyr").mkdir()
    (tmp_path / "zephyr" / ".config").write_text("CONFIG_TINYENGINE_ALIGNMENT=16\n")
    t = zephyr_target(tmp_path, run=True)
    assert (t.optimize, t.alignment) == ("speed", 16)


# --- with a Zephyr tree ----------------------------------------------------------------------

def _env() -> dict:
    env = dict(os.environ)
    # the build's Python must import this checkout's tinyengine_pio
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]]
                                                       if env.get("PYTHONPATH") else []))
    return env


def _west_build(board: str, build: Path, *cmake_args: str) -> None:
    extra = shlex.split(os.environ.get("TINYENGINE_ZEPHYR_CMAKE_ARGS", ""))
    r = subprocess.run(["west", "build", "-p", "always", "-b", board, "-d", str(build),
                        str(SAMPLE), "--", f"-DEXTRA_ZEPHYR_MODULES={MODULE}", *extra,
                        *cmake_args],
                       cwd=ZEPHYR_BASE, env=_env(), capture_output=True, text=True, timeout=900)
    if r.returncode != 0 and "west: unknown command" in r.stderr:
        pytest.skip(f"`west build` is not available in {ZEPHYR_BASE} (not a west workspace?)")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert (build / "zephyr" / "zephyr.elf").is_file()


@pytest.fixture(scope="module")
def an385_console(tmp_path_factory):
    """sample_apps/zephyr_harness for mps2/an385 as it is: harness on the console UART."""
    build = tmp_path_factory.mktemp("zh") / "an385"
    _west_build("mps2/an385", build)
    return build


@pytest.mark.qemu
@zephyr
def test_console_uart_build_in_qemu_matches_tflm(an385_console):
    from tinyengine_pio.harness.dut import Dut
    from tinyengine_pio.harness.targets import free_port
    from tinyengine_pio.harness.targets.zephyr_build import read_config
    conf = read_config(an385_console)
    assert conf["CONFIG_TINYENGINE_HARNESS"] == "y" and conf["CONFIG_QEMU_ICOUNT"] == "y"
    port = free_port()
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-machine", "mps2-an385", "-cpu", "cortex-m3", "-nographic",
         "-monitor", "none", "-icount", "shift=%s" % conf["CONFIG_QEMU_ICOUNT_SHIFT"],
         "-serial", "tcp:127.0.0.1:%d,server=on,wait=on" % port,
         "-kernel", str(an385_console / "zephyr" / "zephyr.elf")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        dut = Dut.connect("socket://127.0.0.1:%d" % port, MODEL.read_bytes(),
                          source_name=MODEL.name, timeout=20)
        try:
            idn = dut.identity        # model and generated-code digests checked by Dut
            assert idn.board == "mps2/an385" and idn.latency_unit == "instructions"
            assert idn.clock_hz == 25_000_000
            r = dut.infer(runs=3)
            r2 = dut.infer(runs=2, seed=1)
        finally:
            dut.close()
    finally:
        qemu.kill()
        qemu.wait()
    assert r.matches_reference is True and r2.matches_reference is True, (r.mismatch, r2.mismatch)
    assert r.latency_unit == "instructions" and 100_000 < r.latency_min <= r.latency_max
    assert r.latency_max - r.latency_min < r.latency_min // 100     # timer ISR at most
    assert 0 < r.invoke_stack_bytes < r.stack_peak_bytes < r.stack_size_bytes == 4096
    assert r.arena_bytes == idn.arena_bytes and r.static_ram_bytes > r.arena_bytes
    _SEEN["an385_latency"] = r.latency_min


@pytest.mark.qemu
@zephyr
def test_west_run_mode_via_cli(tmp_path, capsys, monkeypatch):
    """harness on uart1 (overlay), console with printk and boot banner on uart0; `bench
    --zephyr-build DIR --zephyr-run` runs `west build -t run` and talks to uart1 over TCP."""
    from tinyengine_pio.harness import cli
    build = tmp_path / "an385-uart1"
    _west_build("mps2/an385", build, "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay",
                "-DCONFIG_CONSOLE=y", "-DCONFIG_UART_CONSOLE=y", "-DCONFIG_PRINTK=y",
                "-DCONFIG_BOOT_BANNER=y")
    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])   # west may re-run CMake
    out = tmp_path / "r.json"
    rc = cli.main(["--zephyr-build", str(build), "--zephyr-run", "--runs", "3", "-q",
                   "--output", str(out)])
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    res = json.loads(out.read_text())
    assert res["matches_reference"] is True and res["latency_unit"] == "instructions"
    assert res["board"] == "mps2/an385" and res["flash_bytes"] > 10_000
    assert "byte-exact  yes" in cap.out
    if _SEEN.get("an385_latency"):
        # same code, same icount: the same instruction count as the console build (+- the
        # console driver's timer activity)
        assert abs(res["latency_min"] - _SEEN["an385_latency"]) < _SEEN["an385_latency"] // 100


@zephyr
def test_west_flash_of_a_real_board_build_fails_without_a_probe(tmp_path, capsys, monkeypatch):
    """nucleo_f746zg (DWT cycle counter path of the port): builds; `west flash` runs for real
    and fails (no programmer/probe here): exit 2 with west's message."""
    if not (Path(ZEPHYR_BASE).parent / "modules" / "hal" / "stm32").is_dir():
        pytest.skip("the west workspace has no modules/hal/stm32")
    from tinyengine_pio.harness import cli
    from tinyengine_pio.harness.targets.zephyr_build import read_config
    build = tmp_path / "nucleo"
    _west_build("nucleo_f746zg", build, "-DCONFIG_CORTEX_M_DWT=y")
    assert read_config(build)["CONFIG_CORTEX_M_DWT"] == "y"
    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])
    rc = cli.main(["--zephyr-build", str(build), "--port", str(tmp_path / "ttyACM0"),
                   "--west-runner", "openocd", "-q"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert f"`west flash -d {build} -r openocd` failed (exit " in err, err
    assert "-- west flash: using runner openocd" in err, err
