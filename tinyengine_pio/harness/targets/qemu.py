"""Harness firmware in qemu-system-arm with UART0 on a local TCP socket."""
from __future__ import annotations

import shutil
import subprocess

from ...platformio.platform.builder.qemu_cmdline import QEMU, qemu_command, serial_tcp
from ..errors import HarnessError
from ..firmware import board_config, build_firmware
from ..transport import Transport
from .base import EmulatorTarget, free_port


class QemuTarget(EmulatorTarget):
    """``with QemuTarget(elf, "mps2-an386") as transport: ...``

    QEMU runs with ``-icount shift=0`` (deterministic instruction counts) and
    ``-serial tcp:127.0.0.1:PORT,server=on,wait=on``: the guest starts when the
    harness connects.  ``close()`` ends QEMU (kills it after ``exit_timeout``).
    """

    log_label = "QEMU"

    def command(self, port: int) -> list[str]:
        return qemu_command(board_config(self.board)["build"], self.elf, serial_tcp(port),
                            self.extra_args)

    def start(self, connect_timeout: float | None = None) -> Transport:
        if shutil.which(QEMU) is None:
            raise HarnessError("qemu-system-arm not found on PATH (apt install qemu-system-arm)")
        if connect_timeout is None:
            connect_timeout = self.connect_timeout
        for _attempt in range(3):
            self.port = free_port()
            self.spawn(self.command(self.port))
            if self.connect_local(self.port, connect_timeout) is not None:
                return self.transport
            log = self.log_text()
            self.close()
            if "Address already in use" not in log:
                raise HarnessError("QEMU did not accept the serial connection on port %d within "
                                   "%g s; QEMU output: %s" % (self.port, connect_timeout,
                                                              log.strip() or "(none)"))
        raise HarnessError("QEMU could not listen on a free local port (3 attempts)")

    def failure_log(self) -> str:
        return "\n".join(line for line in self.log_text().splitlines()
                         if "waiting for connection" not in line)

    def describe(self) -> str:
        return "QEMU -icount shift=0"

    def wait_exit(self, timeout: float) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> int | None:
        return self.end()


def qemu_target(model: bytes, board: str = "mps2-an386", firmware=None, cache_dir=None,
                core_dir=None, progress=None) -> QemuTarget:
    """QEMU running ``firmware`` (default: the measurement firmware of ``model`` for ``board``,
    built now)."""
    fw = firmware or build_firmware(model, board, cache_dir=cache_dir, core_dir=core_dir,
                                    progress=progress)
    target = QemuTarget(fw.elf, board)
    target.firmware = fw
    return target
