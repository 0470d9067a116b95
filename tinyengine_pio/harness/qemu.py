"""Run harness firmware in qemu-system-arm with UART0 on a local TCP socket."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

from .errors import HarnessError
from .firmware import board_config
from .transport import Transport, open_transport


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TargetProcess:
    """A local process that emulates the target (QEMU, Renode): its state, log and context
    manager."""

    def __init__(self, elf, board: str, exit_timeout: float = 5.0, extra_args=()):
        self.elf = str(elf)
        self.board = board
        self.exit_timeout = exit_timeout
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None
        self.transport: Transport | None = None
        self.port = 0
        self._log = None

    def log_text(self) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf8", "replace")

    def __enter__(self) -> Transport:
        return self.start()

    def __exit__(self, *exc):
        self.close()


class QemuTarget(TargetProcess):
    """``with QemuTarget(elf, "mps2-an386") as transport: ...``

    QEMU runs with ``-icount shift=0`` (deterministic instruction counts) and
    ``-serial tcp:127.0.0.1:PORT,server=on,wait=on``: the guest starts when the
    harness connects.  ``close()`` ends QEMU (kills it after ``exit_timeout``).
    """

    def command(self, port: int) -> list[str]:
        build = board_config(self.board)["build"]
        return ["qemu-system-arm", "-machine", build["qemu_machine"],
                "-cpu", build.get("qemu_cpu", build["cpu"]), "-nographic", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
                "-serial", "tcp:127.0.0.1:%d,server=on,wait=on" % port,
                *self.extra_args, "-kernel", self.elf]

    def start(self, connect_timeout: float = 10.0) -> Transport:
        if shutil.which("qemu-system-arm") is None:
            raise HarnessError("qemu-system-arm not found on PATH (apt install qemu-system-arm)")
        for _attempt in range(3):
            self.port = _free_port()
            self._log = tempfile.TemporaryFile()
            self.proc = subprocess.Popen(self.command(self.port), stdin=subprocess.DEVNULL,
                                         stdout=self._log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + connect_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    self.transport = open_transport("socket://127.0.0.1:%d" % self.port,
                                                    connect_timeout=0.0)
                    return self.transport
                except HarnessError:
                    time.sleep(0.05)
            log = self.log_text()
            self.close()
            if "Address already in use" not in log:
                raise HarnessError("QEMU did not accept the serial connection on port %d within "
                                   "%g s; QEMU output: %s" % (self.port, connect_timeout,
                                                              log.strip() or "(none)"))
        raise HarnessError("QEMU could not listen on a free local port (3 attempts)")

    def wait_exit(self, timeout: float) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> int | None:
        rc = None
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        if self.proc is not None:
            rc = self.wait_exit(0 if self.proc.poll() is not None else self.exit_timeout)
            if rc is None:
                self.proc.kill()
                self.proc.wait()
                rc = self.proc.returncode
            self.proc = None
        return rc
