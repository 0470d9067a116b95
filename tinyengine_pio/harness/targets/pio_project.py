"""Run the harness on the user's own PlatformIO project: ``pio run -t upload``, then the UART.

The project's env compiles the model with the hook (``custom_tinyengine_model``)
and adds the harness runtime (``custom_tinyengine_harness = yes``); its main()
calls ``te_harness_serve()``.  :class:`PioTarget` reads the env from
``pio project config --json-output``, runs ``pio run -d DIR -e ENV -t upload``
and opens ``monitor_port`` (or ``upload_port``) at ``monitor_speed``:

* the upload exits 0 (a real board was flashed): the port is opened, retried
  until ``connect_timeout`` (USB CDC ports re-enumerate after flashing);
* the upload is still running but a local ``socket://127.0.0.1:PORT`` accepts
  a connection (an emulator-backed upload, e.g. the tinyengine-qemu platform
  with ``monitor_port = socket://127.0.0.1:PORT``): the harness proceeds, and
  :meth:`PioTarget.close` ends the upload process (its whole process group);
* the upload fails: :class:`BuildError` with the tail of PlatformIO's output.

A :class:`.base.Target`: ``start() -> Transport``, ``close()``, ``log_text()``,
``describe()``, context manager.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..errors import BuildError, HarnessError
from ..firmware import Firmware, elf_sizes
from ..transport import Transport
from .base import TargetBase, connect_with_retry, end_process

TAIL_LINES = 40


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).replace(",", "\n").splitlines() if v.strip()]


def _pio_env(core_dir=None) -> dict:
    from ...platformio.setup import default_core_dir, offline_env, setup
    core = setup(core_dir or default_core_dir())
    env = offline_env(core)
    # the hook runs the compiler with a Python that has tinyengine_pio: this checkout first
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join([root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                                  else []))
    return env


def read_project_config(project_dir, core_dir=None, timeout: float = 120.0,
                        env: dict | None = None) -> dict:
    """``{section: {option: value}}`` of ``platformio.ini`` as PlatformIO resolves it
    (``[env]`` defaults merged into every ``[env:NAME]``, interpolations expanded)."""
    project_dir = Path(project_dir)
    if not (project_dir / "platformio.ini").is_file():
        raise HarnessError("%s is not a PlatformIO project (no platformio.ini)" % project_dir)
    from ..firmware import require_platformio
    require_platformio()
    cmd = [sys.executable, "-m", "platformio", "project", "config", "-d", str(project_dir),
           "--json-output"]
    try:
        proc = subprocess.run(cmd, env=env if env is not None else _pio_env(core_dir),
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired as exc:
        raise HarnessError("`%s` did not finish within %g s" % (" ".join(cmd), timeout)) from exc
    except OSError as exc:
        raise HarnessError("cannot run PlatformIO (%s): %s" % (" ".join(cmd), exc)) from exc
    if proc.returncode != 0:
        raise HarnessError("cannot read the PlatformIO configuration of %s (exit %d): %s"
                           % (project_dir, proc.returncode,
                              (proc.stderr + proc.stdout).strip()[-2000:] or "(no output)"))
    try:
        data = json.loads(proc.stdout[proc.stdout.index("["):])
        return {section: dict(options) for section, options in data}
    except (ValueError, TypeError) as exc:
        raise HarnessError("unexpected output of `pio project config --json-output`: %r"
                           % proc.stdout[-500:]) from exc


class PioTarget(TargetBase):
    """``with PioTarget("path/to/project", env="bench") as transport: ...``

    ``progress(line)`` receives the upload's output line by line.  Timeouts:
    ``upload_timeout`` for build + upload (until the port answers, for an
    emulator-backed upload), ``connect_timeout`` to open the port after the
    upload ended, ``exit_timeout`` for the upload process to end on its own in
    :meth:`close` (it is then terminated, then killed).
    """

    log_label = "PlatformIO upload"

    def __init__(self, project_dir, env: str | None = None, core_dir=None, progress=None,
                 upload_timeout: float = 900.0, connect_timeout: float = 30.0,
                 exit_timeout: float = 5.0):
        self.project_dir = Path(project_dir).resolve()
        self.progress = progress
        self.upload_timeout = upload_timeout
        self.connect_timeout = connect_timeout
        self.exit_timeout = exit_timeout
        self.proc: subprocess.Popen | None = None
        self.transport: Transport | None = None
        self.upload_rc: int | None = None
        self.upload_seconds = 0.0
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._pio_env = _pio_env(core_dir)
        self.config = read_project_config(self.project_dir, env=self._pio_env)
        self.env = self._pick_env(env)
        self.options = self.config["env:" + self.env]
        where = "[env:%s] of %s" % (self.env, self.project_dir / "platformio.ini")
        self._read_model_options(where)
        self._read_port_options(where)
        self.board = str(self.options.get("board", "") or "").strip() or None
        pio = self.config.get("platformio", {})
        build_dir = Path(str(pio.get("build_dir") or self.project_dir / ".pio" / "build"))
        if not build_dir.is_absolute():
            build_dir = self.project_dir / build_dir
        self.build_dir = build_dir / self.env

    # -- configuration -----------------------------------------------------
    def _pick_env(self, env: str | None) -> str:
        envs = [s[4:] for s in self.config if s.startswith("env:")]
        ini = self.project_dir / "platformio.ini"
        if env:
            if env not in envs:
                raise HarnessError("no env %r in %s (envs: %s)" % (env, ini,
                                                                   ", ".join(envs) or "none"))
            return env
        default = _as_list(self.config.get("platformio", {}).get("default_envs"))
        if len(default) == 1 and default[0] in envs:
            return default[0]
        if len(envs) == 1:
            return envs[0]
        raise HarnessError("%s has %s: choose one with --pio-env (envs: %s)"
                           % (ini, "no [env:NAME] section" if not envs else
                              "%d envs" % len(envs), ", ".join(envs) or "none"))

    def _read_model_options(self, where: str) -> None:
        """The model, how it is compiled, and that the env builds the harness runtime."""
        opts = self.options
        model = str(opts.get("custom_tinyengine_model", "") or "").strip()
        if not model:
            raise HarnessError("custom_tinyengine_model is not set in %s (the .tflite model the "
                               "firmware serves, relative to the project dir)" % where)
        self.model_path = (self.project_dir / os.path.expanduser(model)).resolve()
        if not self.model_path.is_file():
            raise HarnessError("model file not found: %s (custom_tinyengine_model = %s in %s)"
                               % (self.model_path, model, where))
        self.source_name = os.path.basename(self.model_path)
        self.prefix = str(opts.get("custom_tinyengine_prefix", "model") or "model").strip()
        self.optimize = str(opts.get("custom_tinyengine_optimize", "speed") or "speed").strip()
        self.io = str(opts.get("custom_tinyengine_io", "model") or "model").strip().strip("'\"")
        harness = str(opts.get("custom_tinyengine_harness", "no")).strip().lower()
        extra = " ".join(_as_list(opts.get("extra_scripts")))
        if harness not in ("yes", "true", "1", "on") and "pio_extra.py" not in extra:
            raise HarnessError("%s does not build the harness runtime: set "
                               "custom_tinyengine_harness = yes there (and call "
                               "te_harness_serve() from main())" % where)

    def _read_port_options(self, where: str) -> None:
        """``monitor_port`` (or ``upload_port``) and ``monitor_speed``."""
        opts = self.options
        self.url = ""
        for option in ("monitor_port", "upload_port"):
            value = str(opts.get(option, "") or "").strip()
            if value:
                self.url, self.port_option = value, option
                break
        if not self.url:
            raise HarnessError("no port to talk to the target: set monitor_port (or upload_port) "
                               "in %s, e.g. monitor_port = /dev/ttyACM0, or "
                               "monitor_port = socket://127.0.0.1:4321 with the tinyengine-qemu "
                               "platform" % where)
        try:
            self.baudrate = int(opts.get("monitor_speed", 115200) or 115200)
        except (TypeError, ValueError) as exc:
            raise HarnessError("monitor_speed = %r in %s is not a number"
                               % (opts.get("monitor_speed"), where)) from exc

    def model_bytes(self) -> bytes:
        return self.model_path.read_bytes()

    def upload_command(self) -> list[str]:
        return [sys.executable, "-m", "platformio", "run", "-d", str(self.project_dir),
                "-e", self.env, "-t", "upload"]

    # -- output ------------------------------------------------------------
    def _read_output(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self._lines.append(line)
            if self.progress:
                try:
                    self.progress(line.rstrip("\n"))
                except Exception:  # pylint: disable=broad-except
                    pass

    def log_text(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def tail(self, n: int = TAIL_LINES) -> str:
        with self._lock:
            return "".join(self._lines[-n:]).rstrip() or "(no output)"

    # -- run ---------------------------------------------------------------
    def start(self) -> Transport:
        """Build + upload, then open the port; returns the transport."""
        cmd = self.upload_command()
        t0 = time.monotonic()
        try:
            self.proc = subprocess.Popen(cmd, env=self._pio_env, cwd=str(self.project_dir),
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, text=True, errors="replace",
                                         start_new_session=True)
        except OSError as exc:
            raise BuildError("cannot run PlatformIO (%s): %s" % (" ".join(cmd), exc)) from exc
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        try:
            if self._upload(t0) is None:
                self._open_after_upload()
            self.firmware = self.read_firmware()
        except BaseException:
            self.close()
            raise
        return self.transport

    def _upload(self, t0: float) -> Transport | None:
        """Wait for the upload to end; an emulator-backed upload serves the UART on a local
        socket while it runs: the transport to it, then.  Anything else is opened only after
        the upload (an upload tool may hold a serial port; a remote UART would still show the
        old firmware)."""
        socket_url = re.match(r"^socket://(127\.0\.0\.1|localhost|\[::1\]):\d+/?$",
                              self.url) is not None
        proc = self.proc
        self.transport, last = connect_with_retry(
            self.url, t0 + self.upload_timeout - time.monotonic(), baudrate=self.baudrate,
            interval=0.2, stop=lambda: proc.poll() is not None, ready=lambda: socket_url)
        self.upload_seconds = time.monotonic() - t0
        if self.transport is not None:
            return self.transport
        rc = proc.poll()
        if rc is None:
            raise BuildError(
                "`pio run -e %s -t upload` did not finish within %g s%s; output:\n%s"
                % (self.env, self.upload_timeout,
                   " and %s did not accept a connection (%s)" % (self.url, last)
                   if socket_url else "", self.tail()))
        self._reader.join(5)
        self.upload_rc = rc
        if rc != 0:
            raise BuildError("`pio run -e %s -t upload` failed (exit %d) in %s; "
                             "output:\n%s" % (self.env, rc, self.project_dir, self.tail()))
        return None

    def _open_after_upload(self) -> Transport:
        """The upload ended: the board runs the new firmware, its port may re-enumerate."""
        def url() -> str:
            if "://" not in self.url and any(c in self.url for c in "*?["):
                # PlatformIO allows a pattern (monitor_port = /dev/ttyACM*)
                found = sorted(glob.glob(self.url))
                return found[0] if found else self.url
            return self.url
        self.transport, last = connect_with_retry(url, self.connect_timeout,
                                                  baudrate=self.baudrate, interval=0.2)
        if self.transport is None:
            raise HarnessError("the upload succeeded but %s (%s of env %s) could not be "
                               "opened within %g s: %s; upload output:\n%s"
                               % (self.url, self.port_option, self.env,
                                  self.connect_timeout, last, self.tail(10)))
        return self.transport

    def read_firmware(self) -> Firmware:
        """The uploaded firmware (ELF and its sizes) as a :class:`..firmware.Firmware`."""
        # PROGNAME: "firmware" on most platforms, "program" on tinyengine-qemu
        elves = sorted(self.build_dir.glob("*.elf"), key=lambda p: p.stat().st_mtime)
        named = [self.build_dir / n for n in ("firmware.elf", "program.elf")]
        elf = next((p for p in named if p.is_file()), elves[-1] if elves else named[0])
        sizes = {}
        if elf.is_file():
            try:
                sizes = elf_sizes(elf)
            except (BuildError, OSError, ValueError, IndexError) as exc:
                sizes = {"error": str(exc)}
        return Firmware(elf=elf, board=self.board or "", project=self.project_dir,
                        model_sha256=hashlib.sha256(self.model_bytes()).hexdigest(),
                        sizes=sizes, build_seconds=self.upload_seconds, log=self.log_text())

    def close(self) -> int | None:
        """Close the port; end the upload process if it still runs (emulator)."""
        self.close_transport()
        rc = self.upload_rc
        proc, self.proc = self.proc, None
        if proc is not None:
            rc = end_process(proc, self.exit_timeout, (signal.SIGTERM, signal.SIGKILL),
                             group=True)   # pio, scons and the emulator (own session)
            if self._reader is not None:
                self._reader.join(2)
            if proc.stdout is not None:
                proc.stdout.close()
            self.upload_rc = rc
        return rc

    def describe(self) -> str:
        return "PlatformIO env %s (upload, port %s)" % (self.env, self.url)

    how = describe


def platformio_target(project_dir, model: bytes | None = None, env: str | None = None,
                      core_dir=None, progress=None, upload_timeout: float = 900.0,
                      connect_timeout: float = 30.0) -> PioTarget:
    """The env ``env`` of the PlatformIO project ``project_dir``; ``model``, when given, must be
    the env's custom_tinyengine_model (HarnessError otherwise)."""
    target = PioTarget(project_dir, env=env, core_dir=core_dir, progress=progress,
                       upload_timeout=upload_timeout, connect_timeout=connect_timeout)
    target.model = target.model_bytes()
    if model is not None and bytes(model) != target.model:
        raise HarnessError("the model given differs from custom_tinyengine_model = %s of "
                           "env %s (%s); leave the model out or pass that file"
                           % (target.options.get("custom_tinyengine_model"), target.env,
                              target.model_path))
    return target
