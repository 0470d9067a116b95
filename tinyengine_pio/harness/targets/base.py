"""What every harness target is (:class:`Target`) and the process plumbing most share.

A target is something that, once started, serves the harness protocol on a
:class:`~..transport.Transport`: an emulator process (QEMU, Renode), a board
behind a serial port or a labgrid place, a PlatformIO upload, a Zephyr build.
:class:`~..dut.Dut` needs nothing else from it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from typing import Protocol, runtime_checkable

from ..errors import HarnessError
from ..transport import Transport, open_transport


@runtime_checkable
class Target(Protocol):
    """``start() -> Transport``, ``close()``, ``log_text()``, ``describe()``.

    Attributes the :class:`~..dut.Dut` reads (:class:`TargetBase` has the defaults):
    ``model`` (the .tflite bytes the target was built from, when it knows them),
    ``source_name`` (the file name the generated C was compiled from), ``optimize`` and
    ``alignment`` and ``io`` (the compiler's settings for it), ``firmware`` (a :class:`~..firmware.Firmware`
    or None), ``result_board`` (the board results name; None: what the target
    reports) and ``log_label`` (errors quote ``log_text()`` as "LABEL output: ...";
    None: they do not).
    """

    def start(self) -> Transport: ...

    def close(self) -> int | None: ...

    def log_text(self) -> str: ...

    def describe(self) -> str: ...


class TargetBase:
    """Defaults of the :class:`Target` attributes and the context manager."""

    model: bytes | None = None
    source_name = "model.tflite"
    optimize = "speed"
    alignment = 4
    io = "model"                       # compile_model's io (--io int8: quantized float I/O)
    fuse = None                        # the build's fused stages [(first, last)] (None: read
    #                                    from the firmware's model.json, harness/dut.py)
    firmware = None
    result_board: str | None = None
    log_label: str | None = None
    transport: Transport | None = None

    def log_text(self) -> str:
        return ""

    def failure_log(self) -> str:
        """What an error quotes of :meth:`log_text` (targets drop their own noise)."""
        return self.log_text()

    def describe(self) -> str:
        return type(self).__name__

    def close_transport(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def __enter__(self) -> Transport:
        return self.start()

    def __exit__(self, *exc):
        self.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_with_retry(url, timeout: float, baudrate: int = 115200, interval: float = 0.05,
                       stop=None, ready=None) -> tuple[Transport | None, HarnessError | None]:
    """Open ``url`` (or ``url()``, asked anew every attempt) until it works or ``timeout``
    seconds pass; ``stop()`` true ends the attempts early (the process that should serve it
    ended), ``ready()`` false skips an attempt.  Returns (transport or None, last error)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        if stop is not None and stop():
            return None, last
        if ready is None or ready():
            try:
                return open_transport(url() if callable(url) else url, baudrate=baudrate,
                                      connect_timeout=0.0), None
            except HarnessError as exc:
                last = exc
        if time.monotonic() >= deadline:
            return None, last
        time.sleep(interval)


def end_process(proc: subprocess.Popen, wait: float, signals=(signal.SIGKILL,),
                group: bool = False, grace: float = 3.0) -> int | None:
    """Give ``proc`` ``wait`` seconds to end on its own, then send it ``signals`` in turn
    (``group``: to its whole process group, and what is left of that group is SIGKILLed
    after),
    ``grace`` seconds each; its exit status."""
    try:
        return proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass
    signalled = False
    for sig in signals:
        if proc.poll() is not None:
            break
        signalled = True
        try:
            if group:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=None if sig == signal.SIGKILL else grace)
        except subprocess.TimeoutExpired:
            pass
    if group and signalled:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # what is left of that group
        except (ProcessLookupError, PermissionError):
            pass
    return proc.poll()


class ProcessTarget(TargetBase):
    """A target served by a local process (emulator, uploader, west) whose output goes to a
    log file: spawn it, read its log, connect to what it serves."""

    exit_timeout = 5.0

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.transport: Transport | None = None
        self._log = None

    def log_text(self) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf8", "replace")

    def spawn(self, cmd: list[str], new_log: bool = True, **popen) -> subprocess.Popen:
        """Start ``cmd`` with stdout and stderr in the log (``new_log``: a fresh one)."""
        if new_log or self._log is None:
            self._log = tempfile.TemporaryFile()
        popen.setdefault("stdin", subprocess.DEVNULL)
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, **popen)
        return self.proc

    def report_progress(self, progress, seen: int) -> int:
        """Pass the log lines after the first ``seen`` to ``progress``; lines seen now."""
        if progress is None:
            return seen
        lines = self.log_text().splitlines()
        for ln in lines[seen:]:
            progress(ln)
        return len(lines)

    def connect_local(self, port: int, timeout: float, interval: float = 0.05, ready=None):
        """Connect to ``socket://127.0.0.1:PORT`` while the process runs (see
        :func:`connect_with_retry`); the transport, or None."""
        proc = self.proc
        self.transport, _ = connect_with_retry(
            "socket://127.0.0.1:%d" % port, timeout, interval=interval, ready=ready,
            stop=lambda: proc.poll() is not None)
        return self.transport


class EmulatorTarget(ProcessTarget):
    """An emulator that runs the harness firmware ``elf`` for ``board`` and serves its UART on
    a local TCP port (QEMU, Renode); ``start()`` waits up to ``connect_timeout`` s for it,
    ``close()`` ends it (killed after ``exit_timeout``)."""

    connect_timeout = 10.0

    def __init__(self, elf, board: str, exit_timeout: float = 5.0, extra_args=(),
                 connect_timeout: float | None = None):
        super().__init__()
        if connect_timeout is not None:
            self.connect_timeout = connect_timeout
        self.elf = str(elf)
        self.board = board
        self.result_board = board
        self.exit_timeout = exit_timeout
        self.extra_args = list(extra_args)
        self.port = 0

    def end(self) -> int | None:
        """Close the connection, end the emulator; its exit status."""
        self.close_transport()
        rc = None
        if self.proc is not None:
            rc = end_process(self.proc, self.exit_timeout)
            self.proc = None
        return rc
