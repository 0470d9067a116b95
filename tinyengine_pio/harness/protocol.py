"""Wire format of the harness protocol, version 1 (see docs/PROTOCOL.md).

Frame::

    A5 5A | version u8 | command u8 | length u32 LE | payload | crc32 u32 LE

``crc32`` is zlib's CRC-32 of every byte before it (magic included).
Requests have command < 0x80; the answer is ``command | 0x80`` or ERROR.
"""
from __future__ import annotations

import logging
import struct
import time
import zlib
from dataclasses import dataclass

from .errors import (CrcError, ProtocolError, TargetDisconnected, TargetTimeout, hexdump)

MAGIC = b"\xa5\x5a"
VERSION = 1
HEADER = struct.Struct("<2sBBI")  # magic, version, command, length
HEADER_SIZE = HEADER.size        # 8
MAX_PAYLOAD = 64 << 20           # anything larger is garbage, not a frame

HELLO = 0x01
SET_INPUT = 0x02
INVOKE = 0x03
GET_OUTPUT = 0x04
GET_STATS = 0x05
EXIT = 0x06
GET_LAYERS = 0x07
READY = 0x7E
ERROR = 0x7F
RESPONSE = 0x80

COMMAND_NAMES = {HELLO: "HELLO", SET_INPUT: "SET_INPUT", INVOKE: "INVOKE",
                 GET_OUTPUT: "GET_OUTPUT", GET_STATS: "GET_STATS", EXIT: "EXIT",
                 GET_LAYERS: "GET_LAYERS",
                 READY: "READY", ERROR: "ERROR"}

ERROR_NAMES = {1: "unsupported protocol version", 2: "CRC mismatch", 3: "unknown command",
               4: "bad length", 5: "no such tensor", 6: "input not set",
               7: "no successful inference yet", 8: "bad argument",
               9: "unsupported"}
ERR_UNSUPPORTED = 9

UNITS = {0: "cycles", 1: "instructions", 2: "us", 3: "ticks"}   # ticks: of the identity clock


def command_name(cmd: int) -> str:
    base = COMMAND_NAMES.get(cmd & 0x7F)
    if base is None:
        return "0x%02x" % cmd
    return base + (" response" if cmd & RESPONSE else "")


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def encode(command: int, payload: bytes = b"", version: int = VERSION) -> bytes:
    head = HEADER.pack(MAGIC, version, command, len(payload)) + bytes(payload)
    return head + struct.pack("<I", crc32(head))


MAX_JUNK = 64 << 10              # bytes skipped before a frame's magic before giving up
JUNK_CHUNK = 4096

log = logging.getLogger("tinyengine_pio.harness")


@dataclass
class Frame:
    command: int
    payload: bytes
    version: int = VERSION
    skipped: bytes = b""    # bytes before the magic that were not a frame (resynchronised)

    def quote(self) -> str:
        """The frame's payload as an error message quotes it."""
        return "%s payload %s" % (command_name(self.command), hexdump(self.payload))


class _Reader:
    """State of one read_frame call: the deadline, the skipped junk, the frame bytes."""

    def __init__(self, transport, timeout: float, waiting_for: str, rate: float | None):
        self.t = transport
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.waiting_for = waiting_for
        self.rate = rate
        self.junk = bytearray()
        self.got = bytearray()

    def skipped_note(self) -> str:
        return ("; before it, %s that are not a frame were skipped" % hexdump(self.junk)
                if self.junk else "")

    def fail(self, what: str):
        """The bytes stopped (timeout or EOF) while ``what`` was expected."""
        ctx = "while waiting for %s: expected %s" % (self.waiting_for, what)
        if self.t.eof:
            how = "target closed the connection %s%s" % (
                "in the middle of a frame " if self.got else "", ctx)
        else:
            how = "no complete frame from the target within %.3g s %s" % (self.timeout, ctx)
        if self.junk and not self.got:
            return ProtocolError(
                "garbage from the target while waiting for %s: expected the frame magic A5 5A, "
                "received %s; then %s" % (self.waiting_for, hexdump(self.junk),
                                          "the connection closed" if self.t.eof else
                                          "nothing more within %.3g s" % self.timeout))
        if self.junk:
            # the frame after the junk never completed: the junk is the first symptom
            return ProtocolError("garbage from the target while waiting for %s: skipped %s "
                                 "that are not a frame, then: %s; frame bytes received %s"
                                 % (self.waiting_for, hexdump(self.junk), how,
                                    hexdump(self.got)))
        exc = TargetDisconnected if self.t.eof else TargetTimeout
        return exc("%s; received %s" % (how, hexdump(self.got)))

    def need(self, n: int, what: str) -> bytes:
        data = self.t.read_exact(n, self.deadline)
        self.got.extend(data)
        if len(data) < n:
            raise self.fail(what)
        return data

    def find_magic(self) -> None:
        """Skip bytes up to the magic (bounded by MAX_JUNK); the magic is put back."""
        held = b""   # a trailing A5 that may start the magic
        while True:
            data = self.t.read_some(JUNK_CHUNK, self.deadline)
            if not data:
                self.junk.extend(held)
                raise self.fail("the frame magic A5 5A")
            buf = held + data
            i = buf.find(MAGIC)
            if i >= 0:
                self.junk.extend(buf[:i])
                self.t.unread(buf[i:])
            else:
                held = buf[-1:] if buf.endswith(MAGIC[:1]) else b""
                self.junk.extend(buf[:len(buf) - len(held)])
            if len(self.junk) > MAX_JUNK:
                raise ProtocolError(
                    "garbage from the target while waiting for %s: more than %d bytes without "
                    "a frame, received %s" % (self.waiting_for, MAX_JUNK, hexdump(self.junk)))
            if i >= 0:
                return


def read_frame(transport, timeout: float, waiting_for: str = "a frame",
               max_payload: int = MAX_PAYLOAD, rate: float | None = None) -> Frame:
    """Read exactly one frame; raises a specific HarnessError otherwise.

    The whole frame must arrive within ``timeout`` seconds, plus, when ``rate`` (bytes per
    second of the line) is given, the time its announced length takes at that rate.
    Bytes before the magic (a boot log on the console...) are skipped, up to MAX_JUNK, and
    kept in ``Frame.skipped``; when no valid frame follows them, the error is a
    ProtocolError ("garbage ...") quoting them.  A frame longer than ``max_payload`` is
    refused before its payload is read.
    """
    r = _Reader(transport, timeout, waiting_for, rate)
    r.find_magic()
    r.need(2, "the frame magic A5 5A")
    r.need(HEADER_SIZE - 2, "the rest of the 8-byte header")
    _, version, command, length = HEADER.unpack(bytes(r.got[:HEADER_SIZE]))
    if version != VERSION:
        r.got.extend(transport.read_available(64))
        raise ProtocolError("target speaks protocol version %d, the host speaks %d (while "
                            "waiting for %s); received %s%s" % (
                                version, VERSION, waiting_for, hexdump(r.got), r.skipped_note()))
    if length > max_payload:
        raise ProtocolError("implausible frame length %d (limit %d) in a %s frame while waiting "
                            "for %s; received %s%s" % (
                                length, max_payload, command_name(command), waiting_for,
                                hexdump(r.got), r.skipped_note()))
    if rate:
        r.deadline += (length + 4) / rate
    payload = r.need(length, "%d payload bytes of a %s frame" % (length, command_name(command)))
    crc_bytes = r.need(4, "the CRC-32 of a %s frame" % command_name(command))
    want = crc32(bytes(r.got[:HEADER_SIZE + length]))
    have = struct.unpack("<I", crc_bytes)[0]
    if want != have:
        raise CrcError("frame CRC mismatch in a %s frame while waiting for %s: computed "
                       "0x%08x, the frame says 0x%08x; received %s%s" % (
                           command_name(command), waiting_for, want, have, hexdump(r.got),
                           r.skipped_note()))
    if r.junk:
        log.debug("skipped %s before the %s frame (while waiting for %s)", hexdump(r.junk),
                    command_name(command), waiting_for)
    return Frame(command, bytes(payload), version, bytes(r.junk))
