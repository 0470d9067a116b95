"""Run harness firmware in Renode, UART on Renode's server socket terminal.

``RenodeTarget(elf, board).start()`` writes a platform description (``.repl``,
for the tinyengine-qemu boards) and a Renode script (``.resc``) into a
temporary directory, starts ``renode --disable-xwt --console SCRIPT`` and
connects to the UART as a TCP client (``socket://127.0.0.1:PORT``), exactly as
it connects to QEMU.  The script follows Renode's documented monitor syntax
(renode-docs: host-integration/uart, basic/running)::

    mach create "mps2-an386"
    machine LoadPlatformDescription @/tmp/.../mps2-an386.repl
    sysbus.cpu PerformanceInMips 1000
    emulation CreateServerSocketTerminal 40123 "te_uart" false
    connector Connect sysbus.uart0 te_uart
    sysbus LoadELF @/path/program.elf
    start

``false`` is ``emitConfig``: without it Renode first sends 12 telnet
configuration bytes (IAC DO BINARY, IAC WILL ECHO, IAC WILL SUPPRESS_GO_AHEAD,
IAC WONT LINEMODE); :data:`TELNET_PREAMBLE` is skipped when a script of
yours keeps them (``emit_config=True``) -- if pyserial's socket open has not
already discarded them (it drops input that arrived before open() returned).

Boards (:data:`RENODE_BOARDS`, built from the ``"renode"`` section of each
board JSON): the tinyengine-qemu boards get a generated ``.repl`` -- Cortex-M core, NVIC with the SysTick at the board
clock, the two RAMs the linker script uses and Renode's ``UART.CMSDK_APB_UART``
at the board's ``uart_base`` -- so the *same* ELF that runs in QEMU runs in
Renode.  Real boards Renode ships a platform for are listed in
:data:`RENODE_REAL_BOARDS`; the firmware must then be built for that board
(its own UART port layer), see docs/HIL.md.  None of this has been run
against a real Renode here (Renode is in neither Debian, PyPI nor npm); the
tests check the script against the documented syntax and run the transport
against a local TCP server that behaves like the socket terminal.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from ..errors import HarnessError, ProtocolError, hexdump
from ..firmware import board_config, build_firmware
from ..transport import Transport
from ...platformio.boards import boards
from .base import EmulatorTarget, free_port

# emitConfig=true preamble of Renode's ServerSocketTerminal (renode-docs, UART integration)
TELNET_PREAMBLE = bytes([0xff, 0xfd, 0x00, 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfc, 0x22])

INSTALL_HINT = (
    "renode not found on PATH (nor $RENODE). Renode is not packaged in Debian, PyPI or npm: "
    "install a release from https://github.com/renode/renode/releases -- on Debian/Ubuntu "
    "`apt install ./renode_<version>_amd64.deb`, elsewhere unpack the portable "
    "`renode-<version>.linux-portable.tar.gz` (https://builds.renode.io) and put its "
    "directory on PATH -- or pass the executable with --renode PATH / RENODE=PATH.")


@dataclass(frozen=True)
class RenodeBoard:
    """How a board is described to Renode."""
    cpu_type: str                  # Renode CPU.CortexM cpuType
    uart: str = "sysbus.uart0"     # the UART the harness talks to
    repl: str | None = None        # shipped platform (@platforms/...), None: generated
    tested: bool = False           # ever run against a real Renode? (no: see module doc)
    note: str = ""


def _generated_board(cfg: dict) -> RenodeBoard:
    """A tinyengine-qemu board's ``"renode"`` section (``cpu_type``, optional ``note``)."""
    note = "generated: CMSDK UART0 @ %s" % cfg["build"].get("uart_base", "0x40004000")
    if cfg["renode"].get("note"):
        note += "; " + cfg["renode"]["note"]
    return RenodeBoard(cfg["renode"]["cpu_type"], note=note)


# tinyengine-qemu boards: generated .repl, same ELF as in QEMU; from the board JSONs
# (every board with a "renode" section)
RENODE_BOARDS = {board: _generated_board(cfg) for board, cfg in boards().items()
                 if "renode" in cfg}

# real boards with a platform shipped in Renode (firmware built for the board itself)
RENODE_REAL_BOARDS = {
    "stm32f4_discovery": RenodeBoard("cortex-m4", uart="sysbus.usart2",
                                     repl="platforms/boards/stm32f4_discovery-kit.repl",
                                     note="STM32F407, console USART2"),
    "nrf52840dk": RenodeBoard("cortex-m4f", uart="sysbus.uart0",
                              repl="platforms/boards/nrf52840dk_nrf52840.repl",
                              note="nRF52840, UARTE0"),
    "nucleo_f767zi": RenodeBoard("cortex-m7", uart="sysbus.usart3",
                                 repl="platforms/boards/nucleo_f767zi.repl",
                                 note="STM32F767, ST-LINK VCP on USART3"),
}


def renode_board(board: str) -> RenodeBoard:
    if board in RENODE_BOARDS:
        return RENODE_BOARDS[board]
    if board in RENODE_REAL_BOARDS:
        return RENODE_REAL_BOARDS[board]
    raise HarnessError("no Renode platform for board %r (known: %s)" % (
        board, ", ".join(sorted(RENODE_BOARDS) + sorted(RENODE_REAL_BOARDS))))


def _int(v) -> int:
    return int(v, 0) if isinstance(v, str) else int(v)


def render_repl(board: str) -> str:
    """Renode platform description of a tinyengine-qemu board (what the firmware uses:
    core + NVIC/SysTick, the code and data RAMs of the linker script, CMSDK UART0)."""
    rb = renode_board(board)
    if rb.repl is not None:
        raise HarnessError("board %r uses Renode's own %s" % (board, rb.repl))
    build = board_config(board)["build"]
    upload = board_config(board)["upload"]
    f_cpu = int(str(build["f_cpu"]).rstrip("L"))
    flash, ram = _int(build["flash_origin"]), _int(build["ram_origin"])
    flash_size, ram_size = int(upload["maximum_size"]), int(upload["maximum_ram_size"])
    uart = _int(build.get("uart_base", "0x40004000"))
    return "\n".join([
        "// %s for Renode, generated by tinyengine-pio (the devices the harness firmware uses)"
        % board,
        "cpu: CPU.CortexM @ sysbus",
        '    cpuType: "%s"' % rb.cpu_type,
        "    nvic: nvic",
        "",
        "nvic: IRQControllers.NVIC @ sysbus 0xE000E000",
        "    systickFrequency: %d" % f_cpu,
        "    IRQ -> cpu@0",
        "",
        "flash: Memory.MappedMemory @ sysbus 0x%08X" % flash,
        "    size: 0x%X" % flash_size,
        "",
        "sram: Memory.MappedMemory @ sysbus 0x%08X" % ram,
        "    size: 0x%X" % ram_size,
        "",
        "uart0: UART.CMSDK_APB_UART @ sysbus 0x%08X" % uart,
        "    frequency: %d" % f_cpu,
        "",
    ])


def _at(path: str) -> str:
    """Renode path argument: ``@path`` (quoted when it has spaces)."""
    path = str(path)
    return "@" + (('"%s"' % path) if " " in path else path)


def render_resc(elf, board: str, port: int, repl_path: str | None = None,
                terminal: str = "te_uart", emit_config: bool = False,
                instructions_per_ns: bool = True) -> str:
    """The Renode script: machine, platform, UART on a server socket, ELF, start.

    ``instructions_per_ns``: ``PerformanceInMips 1000`` makes one instruction take
    1 ns of virtual time, as ``qemu -icount shift=0`` does, so the SysTick-based
    latency the firmware reports stays in "instructions".
    """
    rb = renode_board(board)
    if rb.repl is None and repl_path is None:
        raise HarnessError("board %r needs the generated .repl (repl_path)" % board)
    platform = _at(repl_path) if rb.repl is None else "@" + rb.repl
    lines = [
        ":name: tinyengine-pio harness on %s" % board,
        ":description: generated by tinyengine-pio; UART %s on TCP port %d" % (rb.uart, port),
        "",
        'mach create "%s"' % board,
        "machine LoadPlatformDescription %s" % platform,
    ]
    if instructions_per_ns:
        lines.append("sysbus.cpu PerformanceInMips 1000")
    lines += [
        'emulation CreateServerSocketTerminal %d "%s"%s' % (port, terminal,
                                                           "" if emit_config else " false"),
        "connector Connect %s %s" % (rb.uart, terminal),
        "sysbus LoadELF %s" % _at(elf),
        "start",
        "",
    ]
    return "\n".join(lines)


def find_renode(renode: str | None = None) -> str:
    """Path of the renode executable (``renode`` argument, $RENODE, PATH) or HarnessError."""
    cand = renode or os.environ.get("RENODE") or "renode"
    path = shutil.which(cand)
    if path is None:
        raise HarnessError(INSTALL_HINT)
    return path


class RenodeTarget(EmulatorTarget):
    """``with RenodeTarget(elf, "mps2-an386") as transport: ...`` (see module doc).

    ``close()`` sends ``quit`` to Renode's console and kills it after ``exit_timeout``.
    """

    log_label = "Renode"
    connect_timeout = 60.0

    def __init__(self, elf, board: str, renode: str | None = None, exit_timeout: float = 5.0,
                 emit_config: bool = False, extra_args=(), workdir=None,
                 connect_timeout: float | None = None):
        super().__init__(os.path.abspath(str(elf)), board, exit_timeout, extra_args,
                         connect_timeout)
        self.renode = renode
        self.emit_config = emit_config
        self._tmp = None
        self.workdir = workdir
        self.script_path = None

    def write_scripts(self, port: int) -> str:
        """Write the .repl (if generated) and .resc; returns the .resc path."""
        if self.workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="te-renode-")
            self.workdir = self._tmp.name
        rb = renode_board(self.board)
        repl = None
        if rb.repl is None:
            repl = os.path.join(self.workdir, self.board + ".repl")
            with open(repl, "w", encoding="utf8") as fp:
                fp.write(render_repl(self.board))
        self.script_path = os.path.join(self.workdir, self.board + ".resc")
        with open(self.script_path, "w", encoding="utf8") as fp:
            fp.write(render_resc(self.elf, self.board, port, repl, emit_config=self.emit_config))
        return self.script_path

    def command(self, script: str) -> list[str]:
        return [find_renode(self.renode), "--disable-xwt", "--console", *self.extra_args, script]

    def start(self, connect_timeout: float | None = None) -> Transport:
        find_renode(self.renode)  # before anything else: the clear message
        if connect_timeout is None:
            connect_timeout = self.connect_timeout
        self.port = free_port()
        script = self.write_scripts(self.port)
        self.spawn(self.command(script), stdin=subprocess.PIPE, cwd=self.workdir)
        if self.connect_local(self.port, connect_timeout, interval=0.1) is not None:
            if self.emit_config:
                self._skip_preamble()
            return self.transport
        log = self.log_text()
        cmd = " ".join(shlex.quote(c) for c in self.command(script))
        self.close()
        raise HarnessError("Renode did not open the UART socket on port %d within %g s "
                           "(%s); Renode output: %s" % (self.port, connect_timeout, cmd,
                                                        log.strip()[-2000:] or "(none)"))

    def describe(self) -> str:
        return "Renode"

    def _skip_preamble(self, wait: float = 1.0) -> None:
        """Drop the emitConfig bytes.  Renode sends them on accept; pyserial's socket://
        open() discards input that has already arrived, so they may be gone already --
        then the first bytes are the target's (put back for the frame reader)."""
        got = self.transport.read_exact(1, time.monotonic() + wait)
        if not got or got[0] != TELNET_PREAMBLE[0]:
            self.transport.unread(got)
            return
        got += self.transport.read_exact(len(TELNET_PREAMBLE) - 1, time.monotonic() + wait)
        if got != TELNET_PREAMBLE:
            raise ProtocolError("expected Renode's socket-terminal configuration bytes "
                                "(emitConfig), received %s" % hexdump(got))

    def close(self) -> int | None:
        proc = self.proc
        if proc is not None and proc.poll() is None and proc.stdin:
            try:
                proc.stdin.write(b"quit\n")
                proc.stdin.flush()
            except OSError:
                pass
        rc = self.end()
        if proc is not None and proc.stdin:
            try:
                proc.stdin.close()
            except OSError:
                pass
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self.workdir = None
        return rc


def renode_target(model: bytes, board: str = "mps2-an386", firmware=None, cache_dir=None,
                  core_dir=None, progress=None, renode: str | None = None,
                  connect_timeout: float = 60.0) -> RenodeTarget:
    """Renode running ``firmware`` (default: the measurement firmware of ``model`` for
    ``board``, built now -- after checking that Renode is there)."""
    find_renode(renode)  # says how to install it before building anything
    fw = firmware or build_firmware(model, board, cache_dir=cache_dir, core_dir=core_dir,
                                    progress=progress)
    target = RenodeTarget(fw.elf, board, renode=renode, connect_timeout=connect_timeout)
    target.firmware = fw
    return target
