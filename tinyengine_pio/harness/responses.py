"""Answer payloads of protocol v1 (docs/PROTOCOL.md) -> typed data, checked.

Each ``parse_*`` takes the payload of a frame whose CRC already checked out and
refuses anything the protocol does not define: a wrong size (too short, or bytes
beyond what the answer type holds), an unknown unit, figures that contradict each
other (``last > max``...).  Every refusal is a ProtocolError (CrcError for a
tensor CRC) that quotes the payload, so no figure is reported that the target did
not deliver intact.
"""
from __future__ import annotations

import struct
from dataclasses import asdict, dataclass, field

from . import protocol as P
from .errors import CrcError, HarnessError, ProtocolError, hexdump

HELLO_FIXED = 12 + 128          # u8 version, unit, ni, no; u32 arena, clock; 2 x 64 hex
INVOKE_SIZE = 41
STATS_SIZE = 73
OUTPUT_HEAD = 9                 # u8 index, u32 crc32, u32 nbytes
LAYERS_HEAD = 9
MAX_LAYERS = 1 << 16


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


@dataclass
class Output:
    index: int
    crc32: int
    data: bytes


def bad(what: str, payload: bytes, cls=ProtocolError) -> HarnessError:
    """``cls`` (an error class or factory) with ``what`` and the quoted payload."""
    return cls("%s; received %s" % (what, hexdump(payload)))


def need_size(payload: bytes, n: int, what: str, exact: bool = True) -> None:
    """``payload`` must be ``n`` bytes (at least ``n`` when not ``exact``)."""
    if len(payload) < n:
        raise bad("%s response too short: %d bytes, need %d" % (what, len(payload), n), payload)
    if exact and len(payload) > n:
        raise bad("%s response too long: %d bytes where the answer holds %d (%d bytes beyond "
                  "it)" % (what, len(payload), n, len(payload) - n), payload)


def unit_name(code: int, where: str, payload: bytes) -> str:
    if code not in P.UNITS:
        raise bad("%s: unknown latency unit code %d" % (where, code), payload)
    return P.UNITS[code]


def parse_hello(p: bytes) -> Identity:
    need_size(p, HELLO_FIXED, "HELLO", exact=False)
    ver, unit, ni, no, arena, clock = struct.unpack_from("<BBBBII", p, 0)
    if ver != P.VERSION:
        raise bad("the target's HELLO says protocol version %d, the host speaks version %d"
                  % (ver, P.VERSION), p)
    off = HELLO_FIXED + 4 * (ni + no)
    need_size(p, off + 1, "HELLO", exact=False)
    need_size(p, off + 1 + p[off], "HELLO")
    sizes = struct.unpack_from("<%dI" % (ni + no), p, HELLO_FIXED)
    return Identity(ver, unit_name(unit, "HELLO", p), arena, clock,
                    p[12:76].decode("ascii", "replace"), p[76:140].decode("ascii", "replace"),
                    list(sizes[:ni]), list(sizes[ni:]),
                    p[off + 1:].decode("ascii", "replace"))


def parse_set_input(p: bytes, index: int, data: bytes) -> None:
    need_size(p, 5, "SET_INPUT")
    idx, crc = struct.unpack_from("<BI", p, 0)
    if idx != index or crc != P.crc32(data):
        raise bad("target stored input %d with CRC-32 0x%08x; the host sent input %d with "
                  "CRC-32 0x%08x" % (idx, crc, index, P.crc32(data)), p, CrcError)


def _timing(p: bytes, off: int, rc: int, runs: int, unit: int, where: str) -> Timing:
    last, mn, mx, total = struct.unpack_from("<4Q", p, off)
    t = Timing(rc, runs, unit_name(unit, where, p), last, mn, mx, total)
    if runs and rc == 0 and not (mn <= last <= mx and runs * mn <= total <= runs * mx):
        raise bad("%s: inconsistent latencies over %d runs: last %d, min %d, max %d, total %d "
                  "(need min <= last <= max and runs*min <= total <= runs*max)"
                  % (where, runs, last, mn, mx, total), p)
    return t


def parse_invoke(p: bytes, runs: int) -> Timing:
    """The INVOKE answer; rc != 0 is left to the caller (TargetError)."""
    need_size(p, INVOKE_SIZE, "INVOKE")
    rc, n, unit = struct.unpack_from("<iIB", p, 0)
    if rc == 0 and n != runs:
        raise bad("target reports %d runs, %d were requested" % (n, runs), p)
    if rc != 0 and not 1 <= n <= runs:
        raise bad("target reports a failure (rc %d) in run %d of %d" % (rc, n, runs), p)
    return _timing(p, 9, rc, n, unit, "INVOKE")


def parse_output(p: bytes, index: int, expected: int | None) -> Output:
    need_size(p, OUTPUT_HEAD, "GET_OUTPUT", exact=False)
    idx, crc, n = struct.unpack_from("<BII", p, 0)
    data = p[OUTPUT_HEAD:]
    if idx != index or len(data) != n:
        raise bad("GET_OUTPUT response for output %d with %d bytes announced, %d bytes present "
                  "(asked for output %d)" % (idx, n, len(data), index), p)
    if expected is not None and n != expected:
        raise bad("GET_OUTPUT response for output %d holds %d bytes, the model's output %d has "
                  "%d" % (idx, n, index, expected), p)
    if P.crc32(data) != crc:
        raise bad("output %d CRC-32 mismatch: target says 0x%08x, the %d bytes received give "
                  "0x%08x" % (index, crc, n, P.crc32(data)), p, CrcError)
    return Output(idx, crc, bytes(data))


def parse_stats(p: bytes) -> Stats:
    need_size(p, STATS_SIZE, "GET_STATS")
    unit, runs, rc = struct.unpack_from("<BIi", p, 0)
    timing = _timing(p, 9, rc, runs, unit, "GET_STATS")
    s = Stats(timing, *struct.unpack_from("<8I", p, 41))
    if not s.invoke_stack_bytes <= s.stack_peak_bytes <= s.stack_size_bytes \
            and s.stack_size_bytes:
        raise bad("GET_STATS: inconsistent stack figures: invoke %d, peak %d, size %d (need "
                  "invoke <= peak <= size)" % (s.invoke_stack_bytes, s.stack_peak_bytes,
                                               s.stack_size_bytes), p)
    return s


def parse_layers(p: bytes) -> list:
    need_size(p, LAYERS_HEAD, "GET_LAYERS", exact=False)
    n, unit, dropped = struct.unpack_from("<IBI", p, 0)
    if n > MAX_LAYERS:
        raise bad("GET_LAYERS response announces %d layers (limit %d)" % (n, MAX_LAYERS), p)
    need_size(p, LAYERS_HEAD + 8 * n, "GET_LAYERS")
    if dropped:
        raise bad("target dropped %d per-layer marks (more layers than "
                  "TE_HARNESS_MAX_LAYERS)" % dropped, p)
    unit_name(unit, "GET_LAYERS", p)
    return list(struct.unpack_from("<%dQ" % n, p, LAYERS_HEAD))
