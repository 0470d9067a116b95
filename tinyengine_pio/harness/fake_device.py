"""A software target serving protocol v1 for a compiled model: no firmware, no emulator.

It exists to test the host side against a device that misbehaves.  A thread plays the
firmware (``runtime/te_harness.c``: the same answers, ERROR frames for requests out of
order) on one end of a real byte stream, a ``socket://127.0.0.1:PORT`` connection or a pty
(``os.openpty()``, the harness opens the slave path like a serial port).  Every answer
frame passes through ``damage(k, request_command, frame) -> Reply`` first (``k`` counts the
answers), which may send other bytes, nothing, or hang up.
"""
from __future__ import annotations

import hashlib
import os
import select
import socket
import struct
import threading
from dataclasses import dataclass, field

from . import code_sha256
from . import protocol as P

POLL = 0.05   # seconds between checks of the stop flag while blocked


@dataclass
class Reply:
    """What the device sends for one answer: ``data``, then nothing more when ``hangup``."""
    data: bytes
    hangup: bool = False


@dataclass
class Round:
    """What one INVOKE reports: the outputs and the latency of each run (cycled)."""
    outputs: list
    latencies: list

    def timing(self, runs: int) -> tuple:
        """(last, min, max, total) of ``runs`` runs."""
        ts = [self.latencies[r % len(self.latencies)] for r in range(runs)]
        return ts[-1], min(ts), max(ts), sum(ts)


@dataclass
class DeviceSpec:
    """The identity and the figures the fake device reports."""
    model_sha256: str
    code_sha256: str
    arena_bytes: int
    input_bytes: list
    output_bytes: list
    rounds: list = field(default_factory=list)      # Round per INVOKE, cycled
    unit: int = 1
    clock_hz: int = 25_000_000
    board: str = "fake-device"
    stack: tuple = (8192, 1400, 900)                 # size, peak, invoke
    ram: tuple = (256, 4096, 700, 512)               # .data, .bss, harness RAM, input copy

    @classmethod
    def for_model(cls, model: bytes, cm, rounds: list, **kw) -> DeviceSpec:
        g = cm.graph
        return cls(hashlib.sha256(model).hexdigest(), code_sha256(cm.files), cm.arena_bytes,
                   [g.t(i).nbytes for i in g.inputs], [g.t(i).nbytes for i in g.outputs],
                   rounds, **kw)

    def hello(self) -> bytes:
        return (struct.pack("<BBBBII", P.VERSION, self.unit, len(self.input_bytes),
                            len(self.output_bytes), self.arena_bytes, self.clock_hz)
                + self.model_sha256.encode() + self.code_sha256.encode()
                + struct.pack("<%dI" % len(self.input_bytes), *self.input_bytes)
                + struct.pack("<%dI" % len(self.output_bytes), *self.output_bytes)
                + bytes([len(self.board)]) + self.board.encode())


def error_payload(code: int, command: int, msg: str) -> bytes:
    return bytes([code, command]) + msg.encode()


class FakeDevice:
    """Serves ``spec`` in a thread; ``start_socket()`` / ``start_pty()`` give the URL."""

    def __init__(self, spec: DeviceSpec, damage=None):
        self.spec = spec
        self.damage = damage
        self.answers = 0
        self.invokes = 0
        self.inputs_ok: set = set()
        self.ran: Round | None = None
        self.runs = self.rc = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None   # an unexpected failure of the device itself
        self._srv = self._conn = None
        self._fd = None
        self._thread: threading.Thread | None = None

    # -- links -----------------------------------------------------------
    def start_socket(self) -> str:
        self._srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._srv.bind(("127.0.0.1", 0))
        self._srv.listen(1)
        self._srv.settimeout(POLL)
        self._run()
        return "socket://127.0.0.1:%d" % self._srv.getsockname()[1]

    def start_pty(self) -> tuple:
        """(slave path, slave fd): open the path, then close the fd."""
        import tty
        self._fd, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(self._fd, False)
        self._run()
        return os.ttyname(slave), slave

    def _run(self) -> None:
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _recv(self, n: int) -> bytes:
        while not self.stop.is_set():
            if self._fd == -1:
                return b""
            try:
                if self._fd is not None:
                    if select.select([self._fd], [], [], POLL)[0]:
                        return os.read(self._fd, n)   # b"" or EIO once the slave is closed
                    continue
                if self._conn is None:
                    self._conn, _ = self._srv.accept()
                    self._conn.settimeout(POLL)
                return self._conn.recv(n)
            except (TimeoutError, BlockingIOError):
                continue
            except OSError:
                return b""
        return b""

    def _send(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self.stop.is_set():
            if self._fd == -1:
                raise EOFError
            try:
                if self._fd is None:
                    self._conn.sendall(view)
                    return
                if select.select([], [self._fd], [], POLL)[1]:
                    view = view[os.write(self._fd, view):]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise EOFError from exc

    def hang_up(self) -> None:
        """Close the device's end (socket: shutdown; pty: close the master)."""
        if self._conn is not None:
            try:
                self._conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._conn.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = -1   # never reused: reads fail from now on

    def close(self, wait: float = 2.0) -> None:
        self.stop.set()
        if self._thread is not None:
            self._thread.join(wait)
        if self._fd not in (None, -1):
            os.close(self._fd)
            self._fd = -1
        for s in (self._conn, self._srv):
            if s is not None:
                s.close()

    # -- protocol ----------------------------------------------------------
    def _read_request(self) -> tuple | None:
        """(command, payload, crc ok) of the next request; None at EOF."""
        buf = b""
        while len(buf) < P.HEADER_SIZE:
            chunk = self._recv(P.HEADER_SIZE - len(buf))
            if not chunk:
                return None
            buf += chunk
            i = buf.find(P.MAGIC)          # resynchronise like the firmware
            buf = buf[i:] if i >= 0 else buf[-1:] if buf.endswith(P.MAGIC[:1]) else b""
        _, _, cmd, n = P.HEADER.unpack(buf)
        rest = b""
        while len(rest) < n + 4:
            chunk = self._recv(n + 4 - len(rest))
            if not chunk:
                return None
            rest += chunk
        ok = P.crc32(buf + rest[:n]) == struct.unpack("<I", rest[n:])[0]
        return cmd, rest[:n], ok

    def _serve(self) -> None:
        try:
            while not self.stop.is_set():
                req = self._read_request()
                if req is None:
                    return
                cmd, payload, ok = req
                frame = (self._answer(cmd, payload) if ok else
                         P.encode(P.ERROR, error_payload(2, cmd, "CRC mismatch")))
                reply = self.damage(self.answers, cmd, frame) if self.damage else Reply(frame)
                self.answers += 1
                self._send(reply.data)
                if reply.hangup or cmd == P.EXIT:
                    self.hang_up()
                    return
        except EOFError:
            return
        except BaseException as exc:  # pylint: disable=broad-except
            self.error = exc            # the test reports it: the device must not fail silently

    def _answer(self, cmd: int, p: bytes) -> bytes:
        spec, resp = self.spec, cmd | P.RESPONSE
        if cmd == P.HELLO:
            return P.encode(resp, spec.hello())
        if cmd == P.SET_INPUT:
            if not p or p[0] >= len(spec.input_bytes):
                return P.encode(P.ERROR, error_payload(5, cmd, "no such input"))
            if len(p) - 1 != spec.input_bytes[p[0]]:
                return P.encode(P.ERROR, error_payload(4, cmd, "payload size differs from "
                                                                "the input tensor"))
            self.inputs_ok.add(p[0])
            return P.encode(resp, struct.pack("<BI", p[0], P.crc32(p[1:])))
        if cmd == P.INVOKE:
            n = struct.unpack("<I", p)[0] if len(p) == 4 else 0
            if not 1 <= n <= 1_000_000:
                return P.encode(P.ERROR, error_payload(8, cmd, "run count out of range"))
            if len(self.inputs_ok) < len(spec.input_bytes):
                return P.encode(P.ERROR, error_payload(6, cmd, "input not set"))
            self.ran = spec.rounds[self.invokes % len(spec.rounds)]
            self.invokes += 1
            self.runs, self.rc = n, 0
            return P.encode(resp, struct.pack("<iIB4Q", 0, n, spec.unit, *self.ran.timing(n)))
        if cmd == P.GET_OUTPUT:
            if not p or p[0] >= len(spec.output_bytes):
                return P.encode(P.ERROR, error_payload(5, cmd, "no such output"))
            if self.ran is None:
                return P.encode(P.ERROR, error_payload(7, cmd, "no successful inference yet"))
            out = self.ran.outputs[p[0]]
            return P.encode(resp, struct.pack("<BII", p[0], P.crc32(out), len(out)) + out)
        if cmd == P.GET_STATS:
            timing = self.ran.timing(self.runs) if self.ran else (0, 0, 0, 0)
            return P.encode(resp, struct.pack("<BIi4Q8I", spec.unit, self.runs, self.rc,
                                              *timing, *spec.stack, spec.arena_bytes,
                                              *spec.ram))
        if cmd == P.GET_LAYERS:
            return P.encode(P.ERROR, error_payload(9, cmd, "per-layer timing not built in"))
        if cmd == P.EXIT:
            return P.encode(resp)
        return P.encode(P.ERROR, error_payload(3, cmd, "unknown command"))
