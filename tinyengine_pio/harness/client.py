"""Host side of the harness protocol: one request, one checked answer."""
from __future__ import annotations

import struct
from dataclasses import asdict, dataclass, field

from . import protocol as P
from .errors import CrcError, ProtocolError, TargetError, TargetReset, hexdump


@dataclass
class Identity:
    protocol_version: int
    latency_unit: str
    arena_bytes: int
    clock_hz: int
    model_sha256: str
    code_sha256: str
    input_bytes: list = field(default_factory=list)
    output_bytes: list = field(default_factory=list)
    board: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Timing:
    """Latency of the runs of the last INVOKE, in ``unit``."""
    rc: int
    runs: int
    unit: str
    last: int
    min: int
    max: int
    total: int

    @property
    def mean(self) -> float:
        return self.total / self.runs if self.runs else 0.0


@dataclass
class Stats:
    timing: Timing
    stack_size_bytes: int
    stack_peak_bytes: int
    invoke_stack_bytes: int
    arena_bytes: int
    data_bytes: int
    bss_bytes: int
    harness_ram_bytes: int
    input_copy_bytes: int

    @property
    def static_ram_bytes(self) -> int:
        """.data + .bss of the firmware without the harness's own state (the arena is
        in .bss, so it is included)."""
        return self.data_bytes + self.bss_bytes - self.harness_ram_bytes

    @property
    def peak_sram_bytes(self) -> int:
        return self.static_ram_bytes + self.stack_peak_bytes

    def to_dict(self) -> dict:
        d = asdict(self)
        d["static_ram_bytes"] = self.static_ram_bytes
        d["peak_sram_bytes"] = self.peak_sram_bytes
        return d


def _unit(code: int, where: str) -> str:
    if code not in P.UNITS:
        raise ProtocolError("%s: unknown latency unit code %d" % (where, code))
    return P.UNITS[code]


# Bytes per second a target takes in at the least, once write() has returned: over a socket
# (QEMU, Renode, ser2net) the payload is still in buffers then, drained at the target's UART
# speed, so the answer to a request with a large payload (SET_INPUT of a 240 KB image) comes
# that much later.  A real serial port's write() already waited for the bytes to go out.
MIN_TARGET_RX_BYTES_PER_S = 10_000


class Client:
    """Talks protocol v1 over a Transport.

    ``timeout`` bounds every answer (plus the time a large payload may still take to reach
    the target, see MIN_TARGET_RX_BYTES_PER_S); ``invoke_timeout`` the INVOKE answer
    (N inferences).  Errors are specific and include the bytes received.
    """

    def __init__(self, transport, timeout: float = 5.0, invoke_timeout: float = 120.0):
        self.t = transport
        self.timeout = timeout
        self.invoke_timeout = invoke_timeout
        self.identity: Identity | None = None
        self.ready_seen = 0

    # -- plumbing -------------------------------------------------------
    def request(self, command: int, payload: bytes = b"", timeout: float | None = None,
                allow_ready: bool = False) -> bytes:
        name = P.command_name(command)
        self.t.write(P.encode(command, payload))
        wait = ((self.timeout if timeout is None else timeout)
                + len(payload) / MIN_TARGET_RX_BYTES_PER_S)
        while True:
            frame = P.read_frame(self.t, wait, waiting_for="the %s response" % name)
            if frame.command == P.READY:
                if allow_ready:
                    self.ready_seen += 1
                    continue
                raise TargetReset("target reset (it sent READY) while waiting for the %s "
                                  "response" % name)
            if frame.command == P.ERROR:
                code = frame.payload[0] if frame.payload else 0
                msg = frame.payload[2:].decode("ascii", "replace")
                raise TargetError("target rejected %s: %s (error %d: %s)" % (
                    name, msg, code, P.ERROR_NAMES.get(code, "?")), code, command)
            if frame.command != command | P.RESPONSE:
                raise ProtocolError("expected the %s response, got a %s frame: %s" % (
                    name, P.command_name(frame.command), hexdump(frame.payload)))
            return frame.payload

    @staticmethod
    def _need(payload: bytes, n: int, what: str) -> None:
        if len(payload) < n:
            raise ProtocolError("%s response too short: %d bytes, need %d: %s" % (
                what, len(payload), n, hexdump(payload)))

    # -- commands -------------------------------------------------------
    def hello(self) -> Identity:
        p = self.request(P.HELLO, allow_ready=True)
        self._need(p, 12 + 128, "HELLO")
        ver, unit, ni, no, arena, clock = struct.unpack_from("<BBBBII", p, 0)
        model = p[12:76].decode("ascii", "replace")
        code = p[76:140].decode("ascii", "replace")
        off = 140
        self._need(p, off + 4 * (ni + no) + 1, "HELLO")
        ins = list(struct.unpack_from("<%dI" % ni, p, off))
        off += 4 * ni
        outs = list(struct.unpack_from("<%dI" % no, p, off))
        off += 4 * no
        bl = p[off]
        off += 1
        self._need(p, off + bl, "HELLO")
        board = p[off:off + bl].decode("ascii", "replace")
        self.identity = Identity(ver, _unit(unit, "HELLO"), arena, clock, model, code, ins,
                                 outs, board)
        return self.identity

    def set_input(self, index: int, data: bytes) -> None:
        data = bytes(data)
        p = self.request(P.SET_INPUT, bytes([index]) + data)
        self._need(p, 5, "SET_INPUT")
        idx, crc = struct.unpack_from("<BI", p, 0)
        if idx != index or crc != P.crc32(data):
            raise CrcError("target stored input %d with CRC-32 0x%08x; the host sent input %d "
                           "with CRC-32 0x%08x" % (idx, crc, index, P.crc32(data)))

    def invoke(self, runs: int = 1) -> Timing:
        p = self.request(P.INVOKE, struct.pack("<I", runs), timeout=self.invoke_timeout)
        self._need(p, 41, "INVOKE")
        rc, n, unit = struct.unpack_from("<iIB", p, 0)
        last, mn, mx, total = struct.unpack_from("<4Q", p, 9)
        t = Timing(rc, n, _unit(unit, "INVOKE"), last, mn, mx, total)
        if rc != 0:
            raise TargetError("model_invoke() returned %d on the target (run %d of %d)"
                              % (rc, n, runs), 0, P.INVOKE)
        if n != runs:
            raise ProtocolError("target reports %d runs, %d were requested" % (n, runs))
        return t

    def get_output(self, index: int) -> bytes:
        p = self.request(P.GET_OUTPUT, bytes([index]))
        self._need(p, 9, "GET_OUTPUT")
        idx, crc, n = struct.unpack_from("<BII", p, 0)
        data = p[9:]
        if idx != index or len(data) != n:
            raise ProtocolError("GET_OUTPUT response for output %d with %d bytes announced, "
                                "%d bytes present (asked for output %d)" % (idx, n, len(data),
                                                                             index))
        if P.crc32(data) != crc:
            raise CrcError("output %d CRC-32 mismatch: target says 0x%08x, the %d bytes "
                           "received give 0x%08x" % (index, crc, n, P.crc32(data)))
        return data

    def get_stats(self) -> Stats:
        p = self.request(P.GET_STATS)
        self._need(p, 73, "GET_STATS")
        unit, runs, rc = struct.unpack_from("<BIi", p, 0)
        last, mn, mx, total = struct.unpack_from("<4Q", p, 9)
        vals = struct.unpack_from("<8I", p, 41)
        return Stats(Timing(rc, runs, _unit(unit, "GET_STATS"), last, mn, mx, total), *vals)

    def get_layers(self) -> list | None:
        """Latency of every layer of the last run (list of ints, in the INVOKE unit), or
        None when the firmware has no per-layer timing (it answers "unsupported")."""
        try:
            p = self.request(P.GET_LAYERS)
        except TargetError as exc:
            if exc.code in (P.ERR_UNSUPPORTED, 3):   # 3: firmware older than GET_LAYERS
                return None
            raise
        self._need(p, 9, "GET_LAYERS")
        n, unit, dropped = struct.unpack_from("<IBI", p, 0)
        self._need(p, 9 + 8 * n, "GET_LAYERS")
        if len(p) != 9 + 8 * n:
            raise ProtocolError("GET_LAYERS response announces %d layers in %d bytes"
                                % (n, len(p)))
        if dropped:
            raise ProtocolError("target dropped %d per-layer marks (more layers than "
                                "TE_HARNESS_MAX_LAYERS)" % dropped)
        _unit(unit, "GET_LAYERS")
        return list(struct.unpack_from("<%dQ" % n, p, 9))

    def exit(self, status: int = 0) -> None:
        self.request(P.EXIT, struct.pack("<i", status))
