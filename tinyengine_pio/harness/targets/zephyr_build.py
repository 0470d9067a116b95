"""Zephyr builds as harness targets (``CONFIG_TINYENGINE_HARNESS=y``, e.g. sample_apps/zephyr_harness).

* :class:`ZephyrTarget`: ``west flash -d BUILD_DIR [-r RUNNER] [ARGS]`` (a real board), then
  the board's serial port (retried until ``connect_timeout``: USB boards re-enumerate after
  the reset that follows flashing).
* :class:`ZephyrRunTarget`: a QEMU board's build, run as ``west build -d BUILD_DIR -t run``
  runs it (the build's ``run_qemu`` command line) plus ``-serial tcp:127.0.0.1:PORT,
  server=on,wait=on`` for the harness UART.  Zephyr's run target puts the *console* UART on
  a chardev multiplexed with the QEMU monitor (``mux=on``; ``QEMU_PTY``/``QEMU_PIPE`` only
  change its backend; there is no socket option), where the byte 0x01 (Ctrl-A, the mux
  escape) is eaten -- and every frame carries 0x01.  So this mode needs the harness on
  another UART: the devicetree chosen node ``tinyengine,harness-uart`` (sample:
  ``-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay``).

Both are :class:`.base.Target` targets: ``start() -> Transport``, ``close()``, ``log_text()``,
``describe()``, context manager; :func:`zephyr_target` picks one for a build.  Errors are
:class:`FlashError` (a HarnessError: the CLI exits with status 2) and quote the tail of
west's output.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ...metadata import ModelMetadata
from ...platformio.platform.builder.qemu_cmdline import serial_tcp
from ..errors import HarnessError
from ..firmware import Firmware, elf_sizes
from ..transport import Transport
from .base import ProcessTarget, connect_with_retry, end_process, free_port


class FlashError(HarnessError):
    """``west flash`` / ``west build -t run`` failed or did not finish."""


def _tail(text: str, lines: int = 40) -> str:
    out = "\n".join(text.rstrip().splitlines()[-lines:])
    return out if out.strip() else "(no output)"


def read_config(build_dir) -> dict:
    """``CONFIG_*`` of a Zephyr build (``BUILD/zephyr/.config``); {} when absent."""
    path = Path(build_dir) / "zephyr" / ".config"
    conf = {}
    if path.is_file():
        for line in path.read_text(errors="replace").splitlines():
            m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
            if m:
                v = m.group(2)
                conf[m.group(1)] = v[1:-1] if v.startswith('"') and v.endswith('"') else v
    return conf


def build_info(build_dir) -> dict:
    """What the host needs to know about a harness build: ELF, board, model."""
    b = Path(build_dir)
    info = {"build_dir": str(b), "elf": b / "zephyr" / "zephyr.elf", "config": read_config(b),
            "model": None, "out_dir": None, "board": None, "zephyr_base": None}
    models = b / "tinyengine" / "models.json"
    if models.is_file():
        try:
            entries = json.loads(models.read_text())["models"]
        except (ValueError, KeyError):
            entries = []
        for e in entries:
            if e.get("prefix") == "model":
                info["model"] = e.get("model")
                info["out_dir"] = e.get("out_dir")
    cache = b / "CMakeCache.txt"
    if cache.is_file():
        text = cache.read_text(errors="replace")
        m = re.search(r"^BOARD:\w+=(.*)$", text, re.M)
        if m:
            info["board"] = m.group(1).strip()
        m = re.search(r"^ZEPHYR_BASE:\w+=(.*)$", text, re.M)
        if m:
            info["zephyr_base"] = m.group(1).strip()
    return info


def _absolute(path) -> str:
    """``path`` resolved against the caller's working directory: west runs from ZEPHYR_BASE
    (:func:`_west_cwd`), where a relative ``-d build`` would name (and create) a directory
    inside the Zephyr tree."""
    return os.path.abspath(os.path.expanduser(str(path)))


def _west_cwd(build_dir, cwd):
    """west's extension commands (flash, build) exist only inside a west workspace: run them
    from the build's ZEPHYR_BASE unless told otherwise. Build directories are absolute by then
    (:func:`_absolute`)."""
    if cwd is not None:
        return str(cwd)
    base = build_info(build_dir).get("zephyr_base") or os.environ.get("ZEPHYR_BASE")
    return base if base and os.path.isdir(base) else None


def _check_west(west: str) -> str:
    path = shutil.which(west)
    if path is None:
        raise FlashError("%s not found on PATH (pip install west; a Zephyr workspace: "
                         "https://docs.zephyrproject.org/latest/develop/getting_started/)" % west)
    return path


def _check_build_dir(build_dir) -> None:
    if not Path(build_dir).is_dir():
        raise FlashError("Zephyr build directory %s does not exist (west build -d %s ...)"
                         % (build_dir, build_dir))


class WestProcess(ProcessTarget):
    """A target served through west: its subprocesses share one log, each runs in its own
    process group (west, the flash tool or QEMU and their children end together)."""

    log_label = "west"

    def __init__(self, build_dir, west: str = "west", progress=None, cwd=None):
        super().__init__()
        self.build_dir = _absolute(build_dir)
        self.west = west
        self.progress = progress
        self.cwd = None if cwd is None else _absolute(cwd)

    def _spawn(self, cmd: list[str], cwd=None) -> subprocess.Popen:
        try:
            return self.spawn(cmd, new_log=False, cwd=cwd, start_new_session=True)
        except OSError as exc:
            raise FlashError("cannot run %s: %s" % (cmd[0], exc)) from exc

    def _kill(self, grace: float = 5.0) -> int | None:
        p, self.proc = self.proc, None
        if p is None:
            return None
        return end_process(p, 0, (signal.SIGTERM, signal.SIGKILL), group=True, grace=grace)

    def _run_west(self, cmd: list[str], timeout: float, timeout_note: str = "") -> None:
        """Run ``cmd`` (from the west workspace) to its end, west's output to ``progress``;
        FlashError when it fails or takes longer than ``timeout`` s."""
        proc = self._spawn(cmd, cwd=_west_cwd(self.build_dir, self.cwd))
        t0, seen = time.monotonic(), 0
        while proc.poll() is None and time.monotonic() - t0 < timeout:
            time.sleep(0.1)
            seen = self.report_progress(self.progress, seen)
        self.report_progress(self.progress, seen)
        timed_out = proc.poll() is None
        rc = self._kill()
        if timed_out:
            raise FlashError("`%s` did not finish within %g s%s; its output:\n%s"
                             % (" ".join(cmd), timeout, timeout_note, _tail(self.log_text())))
        if rc != 0:
            raise FlashError("`%s` failed (exit %s); its output:\n%s"
                             % (" ".join(cmd), rc, _tail(self.log_text())))

    def close(self) -> int | None:
        self.close_transport()
        return self._kill()


class ZephyrTarget(WestProcess):
    """``with ZephyrTarget("build", "/dev/ttyACM0") as transport: ...``

    ``start()`` runs ``west flash -d BUILD_DIR [-r RUNNER] [FLASH_ARGS...]`` (``flash=False``
    skips it), stopped after ``flash_timeout`` s; ``progress(line)`` gets west's output.  It
    then opens ``port`` (device path, ``socket://``, pty), retrying until ``connect_timeout``,
    and drops what the board sent while booting (its READY frame, a bootloader's text).
    """

    def __init__(self, build_dir, port: str, west: str = "west", runner: str | None = None,
                 flash_args=(), baudrate: int = 115200, flash_timeout: float = 300.0,
                 connect_timeout: float = 30.0, settle: float = 0.3, progress=None,
                 flash: bool = True, cwd=None):
        super().__init__(build_dir, west=west, progress=progress, cwd=cwd)
        self.port = port
        self.url = port
        self.runner = runner
        self.flash_args = list(flash_args)
        self.baudrate = baudrate
        self.flash_timeout = flash_timeout
        self.connect_timeout = connect_timeout
        self.settle = settle
        self.do_flash = flash

    def command(self) -> list[str]:
        cmd = [self.west, "flash", "-d", self.build_dir]
        if self.runner:
            cmd += ["-r", self.runner]
        return cmd + self.flash_args

    def flash(self) -> None:
        _check_west(self.west)
        _check_build_dir(self.build_dir)
        self._run_west(self.command(), self.flash_timeout, " (killed)")

    def open_port(self) -> Transport:
        t, last = connect_with_retry(self.port, self.connect_timeout, baudrate=self.baudrate,
                                     interval=0.2)
        if t is None:
            raise FlashError("the board's serial port %s did not appear within %g s%s "
                             "(USB boards re-enumerate after flashing; check the port "
                             "name, e.g. ls /dev/serial/by-id/): %s"
                             % (self.port, self.connect_timeout,
                                " after `west flash`" if self.do_flash else "", last))
        if self.settle > 0:
            time.sleep(self.settle)
            t.reset_input()   # READY / boot text sent before the port was open
        return t

    def start(self) -> Transport:
        if self.do_flash:
            self.flash()
        self.transport = self.open_port()
        return self.transport

    def describe(self) -> str:
        return "Zephyr %s at %s" % (self.build_dir, self.port)


def harness_uart_index(build_dir) -> int | None:
    """N of the devicetree node ``uartN`` that the chosen ``tinyengine,harness-uart`` names in
    the build's final devicetree (None: no such chosen node)."""
    dts = Path(build_dir) / "zephyr" / "zephyr.dts"
    if not dts.is_file():
        return None
    text = dts.read_text(errors="replace")
    m = re.search(r"tinyengine,harness-uart\s*=\s*&(\w+)\s*;", text)
    if not m:
        return None
    label = m.group(1)
    n = re.fullmatch(r"u?s?art(\d+)", label)
    if n:
        return int(n.group(1))
    raise FlashError("tinyengine,harness-uart names &%s; the QEMU run mode needs a uartN label "
                     "(its N-th QEMU -serial)" % label)


class ZephyrRunTarget(WestProcess):
    """A QEMU board's Zephyr build, run the way ``west build -d BUILD_DIR -t run`` runs it,
    with the harness UART on a local TCP socket.

    ``start()`` brings the build up to date with ``west build -d BUILD_DIR``, takes the
    QEMU command line of the build's ``run_qemu`` target (``ninja -t commands run_qemu``:
    Zephyr's machine, CPU and ``-icount shift=CONFIG_QEMU_ICOUNT_SHIFT``, which the firmware
    uses to report instructions) and appends ``-serial null`` for the UARTs between the
    console and the harness UART and ``-serial tcp:127.0.0.1:PORT,server=on,wait=on`` for
    it.  (``QEMU_EXTRA_FLAGS`` is read by Zephyr's CMake at configure time only, so passing
    it to ``west build -t run`` would need a re-configuration that leaves the socket in the
    build's run target.)  The build must put the harness on a UART other than the console
    (chosen ``tinyengine,harness-uart = &uartN``, N >= 1).  ``close()`` ends QEMU.
    """

    def __init__(self, build_dir, west: str = "west", connect_timeout: float = 60.0,
                 build_timeout: float = 900.0, progress=None, cwd=None):
        super().__init__(build_dir, west=west, progress=progress, cwd=cwd)
        self.connect_timeout = connect_timeout
        self.build_timeout = build_timeout
        self.tcp_port = 0
        self.url = ""

    def check(self) -> int:
        _check_west(self.west)
        _check_build_dir(self.build_dir)
        conf = read_config(self.build_dir)
        if not conf:
            raise FlashError("%s is not a configured Zephyr build (no zephyr/.config)"
                             % self.build_dir)
        if conf.get("CONFIG_QEMU_TARGET") != "y":
            raise FlashError("%s is not built for a QEMU board (CONFIG_QEMU_TARGET is not set): "
                             "use --port with `west flash` for a real board" % self.build_dir)
        idx = harness_uart_index(self.build_dir)
        if not idx:
            raise FlashError(
                "the harness of %s uses the console UART, which Zephyr's run target "
                "multiplexes with the QEMU monitor (-chardev ...,mux=on: the byte 0x01 of every "
                "frame is QEMU's escape character); put it on a second UART with the chosen "
                "node tinyengine,harness-uart = &uart1 (sample_apps/zephyr_harness: "
                "-DEXTRA_DTC_OVERLAY_FILE=harness_uart1.overlay), or run QEMU yourself with "
                "-serial tcp:... and use --port socket://..." % self.build_dir)
        return idx

    def qemu_command(self) -> tuple[str | None, list[str]]:
        """(working directory, argv) of the build's run_qemu target."""
        ninja = "ninja"
        cache = Path(self.build_dir) / "CMakeCache.txt"
        if cache.is_file():
            m = re.search(r"^CMAKE_MAKE_PROGRAM:\w+=(.*)$", cache.read_text(errors="replace"),
                          re.M)
            if m:
                ninja = m.group(1).strip()
        r = subprocess.run([ninja, "-C", self.build_dir, "-t", "commands", "run_qemu"],
                           capture_output=True, text=True, check=False)
        lines = r.stdout.strip().splitlines()
        if r.returncode != 0 or not lines or "qemu" not in lines[-1]:
            raise FlashError("cannot get the QEMU command of %s (%s -t commands run_qemu, a "
                             "Ninja build of a QEMU board): %s" % (
                                 self.build_dir, ninja, _tail(r.stdout + r.stderr, 5)))
        argv = shlex.split(lines[-1])
        cwd = None
        if len(argv) > 3 and argv[0] == "cd" and argv[2] == "&&":
            cwd, argv = argv[1], argv[3:]
        return cwd, argv

    def start(self) -> Transport:
        idx = self.check()
        self._run_west([self.west, "build", "-d", self.build_dir], self.build_timeout)
        cwd, argv = self.qemu_command()
        self.tcp_port = free_port()
        self.url = "socket://127.0.0.1:%d" % self.tcp_port
        k = argv.index("-kernel") if "-kernel" in argv else len(argv)
        argv[k:k] = ["-serial", "null"] * (idx - 1) + ["-serial", serial_tcp(self.tcp_port)]
        self.command_line = argv
        proc = self._spawn(argv, cwd=cwd)
        if self.connect_local(self.tcp_port, self.connect_timeout,
                              ready=lambda: "waiting for connection" in self.log_text()):
            return self.transport
        rc = proc.poll()
        self._kill()
        if rc is not None:
            raise FlashError("QEMU ended (exit %s) before the harness UART accepted a "
                             "connection; `%s`; its output:\n%s"
                             % (rc, " ".join(argv), _tail(self.log_text())))
        raise FlashError("QEMU did not open the harness UART (%s) within %g s; `%s`; "
                         "its output:\n%s" % (self.url, self.connect_timeout,
                                               " ".join(argv), _tail(self.log_text())))

    def describe(self) -> str:
        return "Zephyr %s in QEMU (run target)" % self.build_dir


def _built_firmware(info: dict, model: bytes) -> Firmware | None:
    """The build's ELF and its figures (None: not built yet)."""
    if not info["elf"].is_file():
        return None
    return Firmware(elf=info["elf"], board=info["board"] or "zephyr",
                    project=info["elf"].parents[1],
                    model_sha256=hashlib.sha256(bytes(model)).hexdigest(),
                    sizes=elf_sizes(info["elf"]),
                    per_layer=info["config"].get("CONFIG_TINYENGINE_HARNESS_PER_LAYER") == "y")


def zephyr_target(build_dir, model: bytes | None = None, port: str | None = None,
                  name: str | None = None, west: str = "west", runner: str | None = None,
                  flash_args=(), baudrate: int = 115200, flash: bool = True, run: bool = False,
                  flash_timeout: float = 300.0, connect_timeout: float | None = None,
                  progress=None) -> WestProcess:
    """The Zephyr harness build ``build_dir``: :class:`ZephyrTarget` (``west flash``, then
    ``port``) or, ``run=True``, :class:`ZephyrRunTarget`.  ``model``: default the build's
    (``build_dir/tinyengine/models.json``). A relative ``build_dir`` is relative to the
    current directory (as for ``west build -d``), not to ZEPHYR_BASE where west runs."""
    build_dir = _absolute(build_dir)
    info = build_info(build_dir)
    if model is None and info["model"] is None:
        raise HarnessError("%s is not a configured Zephyr harness build (no model with "
                           "prefix 'model' in tinyengine/models.json): west build it with "
                           "CONFIG_TINYENGINE_HARNESS=y first, or give the model" % build_dir)
    if model is None:
        try:
            with open(info["model"], "rb") as fp:
                model = fp.read()
        except OSError as exc:
            raise HarnessError("cannot read the build's model %s: %s"
                               % (info["model"], exc.strerror)) from exc
    if run:
        target = ZephyrRunTarget(build_dir, west=west, progress=progress,
                                 connect_timeout=connect_timeout or 60.0)
    elif not port:
        raise HarnessError("Dut.zephyr needs the board's serial port (port=...) or "
                           "run=True for a QEMU board")
    else:
        target = ZephyrTarget(build_dir, port, west=west, runner=runner, flash_args=flash_args,
                              baudrate=baudrate, flash=flash, flash_timeout=flash_timeout,
                              progress=progress, connect_timeout=connect_timeout or 30.0)
    target.model = model
    # the generated C names the .tflite it was compiled from
    target.source_name = os.path.basename(info["model"] or name or "model.tflite")
    target.firmware = _built_firmware(info, model)
    target.optimize, target.alignment = _compile_options(info)
    target.fuse = _compile_stages(info)
    target.io = _compile_io(info)
    return target


def _compile_stages(info: dict) -> list[tuple[int, int]] | None:
    """The fused stages the build's schedule chose (model.json "stages"; a RAM budget or
    CONFIG_TINYENGINE_OPTIMIZE_MEMORY), or None."""
    try:
        md = ModelMetadata.load(info["out_dir"], "model")
    except (OSError, TypeError, ValueError, KeyError):
        return None
    from ..dut import stage_ranges
    return stage_ranges(md)


def _compile_options(info: dict) -> tuple[str, int]:
    """The optimize mode and arena alignment the build compiled its model with, from its
    model.json (Kconfig or tinyengine_add_model(... ALIGNMENT n)); else the Kconfig values."""
    try:
        md = ModelMetadata.load(info["out_dir"], "model")
        return md.optimize, int(md.arena.alignment)
    except (OSError, TypeError, ValueError, KeyError):
        conf = info["config"]
        return ("size" if conf.get("CONFIG_TINYENGINE_OPTIMIZE_SIZE") == "y" else "speed",
                int(conf.get("CONFIG_TINYENGINE_ALIGNMENT") or 4))


def _compile_io(info: dict) -> str:
    """The build's --io: model.json's io, else CONFIG_TINYENGINE_IO_INT8."""
    try:
        return ModelMetadata.load(info["out_dir"], "model").io
    except (OSError, TypeError, ValueError, KeyError):
        return "int8" if info["config"].get("CONFIG_TINYENGINE_IO_INT8") == "y" else "model"


__all__ = ["FlashError", "ZephyrTarget", "ZephyrRunTarget", "WestProcess", "build_info",
           "read_config", "harness_uart_index", "zephyr_target"]
