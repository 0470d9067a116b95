"""Renode runner without Renode (it is in neither Debian, PyPI nor npm).

What is checked, and against what:

* the generated ``.resc`` / ``.repl`` against Renode's documented monitor and
  platform-description syntax (renode-docs: host-integration/uart.md,
  basic/running.md; renode: platforms/cpus/stm32f4.repl; renode-infrastructure:
  UART/CMSDK_APB_UART.cs) -- line by line, structure only;
* the "renode not on PATH" error of the runner and of ``tinyengine-pio bench``;
* the transport against real TCP servers that behave like Renode's
  ``CreateServerSocketTerminal``: QEMU itself listening with ``-serial
  tcp:...,server=on,wait=off`` (a server port, raw UART bytes, the guest already
  running when the harness connects), and a relay that first sends the 12
  telnet configuration bytes Renode documents for ``emitConfig`` = true;
* ``RenodeTarget`` / ``Dut.renode`` end to end with a *stand-in* ``renode``
  executable (this file writes it): it checks the command line, reads the
  generated script and serves the UART from QEMU on the script's port.  Nothing
  here ran a real Renode.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.helpers import opmodels
from tinyengine_pio.harness.targets import renode as R
from tinyengine_pio.harness.dut import Dut
from tinyengine_pio.harness.errors import HarnessError
from tinyengine_pio.harness.firmware import build_firmware, have_toolchain
from tinyengine_pio.harness.targets import free_port

BOARD = "mps2-an386"
needs_toolchain = pytest.mark.skipif(bool(have_toolchain()),
                                     reason="harness tests need: " + ", ".join(have_toolchain()))

# documented syntax, one regex per .resc line (renode-docs)
RESC_LINES = [
    r":name: .+",
    r":description: .+",
    r"",
    r'mach create "[\w.-]+"',
    r"machine LoadPlatformDescription @(\S+\.repl|\"[^\"]+\.repl\")",
    r"sysbus\.cpu PerformanceInMips \d+",
    r'emulation CreateServerSocketTerminal \d{1,5} "\w+" false',
    r"connector Connect sysbus\.\w+ \w+",
    r"sysbus LoadELF @(\S+|\"[^\"]+\")",
    r"start",
]


@pytest.fixture(scope="module")
def model():
    return opmodels.fully_connected(in_features=32, out_features=10)


@pytest.fixture(scope="module")
def fw(model, tmp_path_factory):
    if have_toolchain():
        pytest.skip("harness tests need: " + ", ".join(have_toolchain()))
    return build_firmware(model, BOARD, core_dir=str(tmp_path_factory.mktemp("rn_core")),
                          cache_dir=str(tmp_path_factory.mktemp("rn_cache")))


# ---- script generation ---------------------------------------------------------
@pytest.mark.parametrize("board", sorted(R.RENODE_BOARDS))
def test_resc_follows_documented_syntax(board, tmp_path):
    t = R.RenodeTarget(tmp_path / "fw dir" / "program.elf", board, workdir=str(tmp_path))
    path = t.write_scripts(40123)
    lines = open(path, encoding="utf8").read().rstrip("\n").split("\n")
    assert len(lines) == len(RESC_LINES), lines
    for line, rx in zip(lines, RESC_LINES):
        assert re.fullmatch(rx, line), (line, rx)
    text = "\n".join(lines)
    # the documented order: machine, platform, terminal, connect, ELF, start
    assert 'mach create "%s"' % board in text
    assert "machine LoadPlatformDescription @%s" % os.path.join(str(tmp_path), board + ".repl") \
        in text
    assert 'emulation CreateServerSocketTerminal 40123 "te_uart" false' in text
    assert "connector Connect sysbus.uart0 te_uart" in text
    # a path with a space is quoted, as Renode's monitor wants it
    assert 'sysbus LoadELF @"%s"' % (tmp_path / "fw dir" / "program.elf") in text
    assert lines[-1] == "start"


def test_emit_config_true_keeps_renodes_default(tmp_path):
    text = R.render_resc("/x/p.elf", BOARD, 5555, "/x/b.repl", emit_config=True)
    assert 'emulation CreateServerSocketTerminal 5555 "te_uart"\n' in text


def _repl_entries(text: str) -> dict:
    """name -> (type, address, {attr: value}) of a Renode .repl (the subset we write)."""
    entries, cur = {}, None
    for line in text.splitlines():
        if not line.strip() or line.startswith("//"):
            continue
        if not line.startswith(" "):
            m = re.fullmatch(r"(\w+): ([\w.]+) @ sysbus(?: (0x[0-9A-F]+))?", line)
            assert m, line
            cur = entries[m.group(1)] = (m.group(2), m.group(3), {})
        else:
            m = re.fullmatch(r"    (?:(\w+): (.+)|IRQ -> (\w+)@(\d+))", line)
            assert m, line
            if m.group(1):
                cur[2][m.group(1)] = m.group(2)
            else:
                cur[2]["IRQ"] = "%s@%s" % (m.group(3), m.group(4))
    return entries


@pytest.mark.parametrize("board,cpu,uart,ram,f_cpu", [
    ("mps2-an386", '"cortex-m4f"', "0x40004000", "0x20000000", 25000000),
    ("mps2-an500", '"cortex-m7"', "0x40004000", "0x20000000", 25000000),
    ("mps2-an505", '"cortex-m33"', "0x50200000", "0x38000000", 20000000),
    ("mps3-an547", '"cortex-m55"', "0x59303000", "0x30000000", 32000000),
])
def test_repl_describes_what_the_firmware_uses(board, cpu, uart, ram, f_cpu):
    e = _repl_entries(R.render_repl(board))
    assert set(e) == {"cpu", "nvic", "flash", "sram", "uart0"}
    assert e["cpu"] == ("CPU.CortexM", None, {"cpuType": cpu, "nvic": "nvic"})
    assert e["nvic"][:2] == ("IRQControllers.NVIC", "0xE000E000")
    assert e["nvic"][2] == {"systickFrequency": str(f_cpu), "IRQ": "cpu@0"}
    assert e["uart0"] == ("UART.CMSDK_APB_UART", uart, {"frequency": str(f_cpu)})
    assert e["sram"][0] == "Memory.MappedMemory" and e["sram"][1] == ram
    assert int(e["flash"][2]["size"], 16) >= 0x80000


def test_real_board_table_uses_shipped_platforms():
    for name, rb in R.RENODE_REAL_BOARDS.items():
        assert rb.repl.startswith("platforms/boards/") and rb.repl.endswith(".repl"), name
        assert re.fullmatch(r"sysbus\.u(s)?art\d", rb.uart), name
        assert not rb.tested
        text = R.render_resc("/x/p.elf", name, 1234)
        assert "machine LoadPlatformDescription @%s" % rb.repl in text
        assert "connector Connect %s te_uart" % rb.uart in text
    assert not any(rb.tested for rb in R.RENODE_BOARDS.values())
    with pytest.raises(HarnessError, match="no Renode platform for board 'pico'"):
        R.render_resc("/x/p.elf", "pico", 1)


# ---- renode not installed ---------------------------------------------------------
def test_renode_not_on_path_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("RENODE", raising=False)
    with pytest.raises(HarnessError) as ei:
        R.RenodeTarget("/x/p.elf", BOARD).start()
    msg = str(ei.value)
    assert msg.startswith("renode not found on PATH")
    assert "github.com/renode/renode/releases" in msg and ".deb" in msg
    assert "portable" in msg and "--renode" in msg
    with pytest.raises(HarnessError, match="renode not found on PATH"):
        Dut.renode(b"not a model", BOARD)   # before building anything


def test_bench_without_renode_fails_before_building(monkeypatch, tmp_path, capsys):
    from tinyengine_pio.harness import cli
    monkeypatch.delenv("RENODE", raising=False)
    model = tmp_path / "m.tflite"
    model.write_bytes(opmodels.fully_connected())
    rc = cli.main([str(model), "--runner", "renode", "--renode", str(tmp_path / "nope"),
                   "--cache-dir", str(tmp_path / "cache"), "-q"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "renode not found on PATH" in err and "releases" in err
    assert not (tmp_path / "cache").exists()


# ---- transport against a server that behaves like Renode's socket terminal -----------
def _qemu_server(elf, port, wait="off"):
    return subprocess.Popen(
        ["qemu-system-arm", "-machine", "mps2-an386", "-cpu", "cortex-m4", "-nographic",
         "-monitor", "none", "-semihosting-config", "enable=on,target=native",
         "-icount", "shift=0", "-serial", "tcp:127.0.0.1:%d,server=on,wait=%s" % (port, wait),
         "-kernel", str(elf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT)


def _stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


@pytest.mark.qemu
@pytest.mark.platformio
@needs_toolchain
def test_harness_as_client_of_a_running_uart_server(fw, model):
    """The guest runs before the harness connects (Renode's `start` in the script)."""
    port = free_port()
    proc = _qemu_server(fw.elf, port)
    try:
        time.sleep(0.3)  # let the guest boot with nobody connected, as under Renode
        d = Dut.connect("socket://127.0.0.1:%d" % port, model, timeout=10, firmware=fw)
        try:
            r = d.infer(seed=2, runs=3)
            assert r.matches_reference and r.runs == 3
            assert r.latency_unit == "instructions" and r.latency > 0
        finally:
            d.close()
        assert proc.wait(timeout=10) == 0       # the EXIT request ended the guest
    finally:
        _stop(proc)


# ---- stand-in renode ---------------------------------------------------------------
FAKE_RENODE = r'''#!{python}
"""Stand-in for `renode --disable-xwt --console SCRIPT` (tests only): reads the
generated script and serves the UART from QEMU on the script's server port."""
import re, socket, subprocess, sys, threading, time
args = sys.argv[1:]
assert args[:2] == ["--disable-xwt", "--console"], args
text = open(args[-1]).read()
board = re.search(r'^mach create "([^"]+)"$', text, re.M).group(1)
elf = re.search(r'^sysbus LoadELF @"?([^"\n]+)"?$', text, re.M).group(1)
m = re.search(r'^emulation CreateServerSocketTerminal (\d+) "(\w+)"( false)?$', text, re.M)
port, term, emit = int(m.group(1)), m.group(2), m.group(3) is None
assert re.search(r"^connector Connect sysbus\.uart0 %s$" % term, text, re.M)
assert re.search(r"^machine LoadPlatformDescription @\S+\.repl$", text, re.M)
assert text.rstrip().endswith("\nstart")
qemu = ["qemu-system-arm", "-machine", board, "-cpu", "cortex-m4", "-nographic", "-monitor",
        "none", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0"]
PRE = bytes([0xff, 0xfd, 0x00, 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfc, 0x22])
if not emit:
    q = subprocess.Popen(qemu + ["-serial", "tcp:127.0.0.1:%d,server=on,wait=off" % port,
                                 "-kernel", elf])
else:  # relay: configuration bytes first, then the UART
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port)); srv.listen(1)    # before picking QEMU's port
    s = socket.socket(); s.bind(("127.0.0.1", 0)); inner = s.getsockname()[1]; s.close()
    q = subprocess.Popen(qemu + ["-serial", "tcp:127.0.0.1:%d,server=on,wait=on" % inner,
                                 "-kernel", elf])
    def serve():
        c, _ = srv.accept(); c.sendall(PRE)
        for _ in range(200):
            try:
                u = socket.create_connection(("127.0.0.1", inner)); break
            except OSError:
                time.sleep(0.05)
        def pump(a, b):
            try:
                while True:
                    d = a.recv(4096)
                    if not d: break
                    b.sendall(d)
            except OSError:
                pass
            for x in (a, b):
                try: x.shutdown(socket.SHUT_RDWR)
                except OSError: pass
        threading.Thread(target=pump, args=(u, c), daemon=True).start()
        pump(c, u)
    threading.Thread(target=serve, daemon=True).start()
print("(monitor)", flush=True)
for line in sys.stdin:
    print("(monitor) " + line.strip(), flush=True)
    if line.strip() == "quit":
        break
if q.poll() is None:
    q.kill()
q.wait()
print("stand-in renode: qemu exit %s" % q.returncode, flush=True)
'''


@pytest.fixture
def fake_renode(tmp_path):
    path = tmp_path / "renode"
    path.write_text(FAKE_RENODE.replace("{python}", sys.executable))
    path.chmod(0o755)
    return str(path)


@pytest.mark.qemu
@pytest.mark.platformio
@needs_toolchain
def test_dut_renode_end_to_end_with_stand_in(fw, model, fake_renode, monkeypatch):
    monkeypatch.setenv("RENODE", fake_renode)    # found through $RENODE
    d = Dut.renode(model, BOARD, firmware=fw, timeout=10, connect_timeout=20)
    try:
        assert d.identity.board == BOARD
        r = d.infer(seed=5)
        assert r.matches_reference and r.board == BOARD
        script = open(d.target.script_path, encoding="utf8").read()
        assert "sysbus LoadELF @%s" % os.path.abspath(fw.elf) in script
    finally:
        rc = d.close()
    assert rc == 0          # `quit` on the console ended the (stand-in) renode


@pytest.mark.qemu
@pytest.mark.platformio
@needs_toolchain
def test_emit_config_preamble_is_skipped(fw, model, fake_renode):
    t = R.RenodeTarget(fw.elf, BOARD, renode=fake_renode, emit_config=True)
    transport = t.start(connect_timeout=20)
    try:
        from tinyengine_pio.harness.client import Client
        d = Dut(Client(transport, 10, 60), model, firmware=fw, target=t)
        assert d.infer(seed=1).matches_reference
        d.close()
    finally:
        t.close()


class _Bytes:
    """A transport whose peer already sent ``data`` (for the preamble logic)."""

    def __init__(self, data):
        from tinyengine_pio.harness.transport import Transport
        self.t = Transport.__new__(Transport)
        self.t.eof, self.t.received, self.t._pushback = False, 0, b""   # pylint: disable=W0212
        self.data = bytearray(data)
        orig = Transport._read                                          # pylint: disable=W0212
        self.t._read = lambda n, timeout: orig(self.t, n, timeout) if self.t._pushback \
            else self._take(n)

    def _take(self, n):
        out = bytes(self.data[:n])
        del self.data[:n]
        if not out:
            self.t.eof = True
        return out


@pytest.mark.parametrize("first,rest", [
    (R.TELNET_PREAMBLE, b"\xa5\x5a\x01"),   # preamble still there: dropped
    (b"", b"\xa5\x5a\x01"),                 # eaten by pyserial's open(): frame bytes kept
    (b"", b""),                               # nothing yet
])
def test_preamble_skip_keeps_target_bytes(first, rest):
    b = _Bytes(first + rest)
    t = R.RenodeTarget("/x/p.elf", BOARD)
    t.transport = b.t
    t._skip_preamble(wait=0.2)                   # pylint: disable=protected-access
    assert b.t.read_exact(len(rest), time.monotonic() + 0.2) == rest


def test_preamble_garbage_is_reported():
    b = _Bytes(b"\xff\xfd\x00hello world")
    t = R.RenodeTarget("/x/p.elf", BOARD)
    t.transport = b.t
    with pytest.raises(HarnessError, match="configuration bytes"):
        t._skip_preamble(wait=0.2)               # pylint: disable=protected-access


def test_preamble_is_not_a_frame():
    """Why the generated script passes `false`: unskipped, the 12 bytes are garbage."""
    from tinyengine_pio.harness import protocol as P
    from tinyengine_pio.harness.errors import ProtocolError
    b = _Bytes(R.TELNET_PREAMBLE + b"\xa5\x5a")
    with pytest.raises(ProtocolError, match="ff fd 00 ff fb 01 ff fb 03 ff fc 22"):
        P.read_frame(b.t, 0.5, "the first frame")


def test_renode_exiting_early_is_reported(tmp_path):
    bad = tmp_path / "renode"
    bad.write_text("#!/bin/sh\necho 'There was an error loading the platform' ; exit 1\n")
    bad.chmod(0o755)
    t = R.RenodeTarget(tmp_path / "p.elf", BOARD, renode=str(bad))
    with pytest.raises(HarnessError, match="(?s)did not open the UART socket.*error loading"):
        t.start(connect_timeout=5)
    assert t.proc is None
