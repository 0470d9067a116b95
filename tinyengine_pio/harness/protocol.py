"""Wire format of the harness protocol, version 1 (see docs/PROTOCOL.md).

Frame::

    A5 5A | version u8 | command u8 | length u32 LE | payload | crc32 u32 LE

``crc32`` is zlib's CRC-32 of every byte before it (magic included).
Requests have command < 0x80; the answer is ``command | 0x80`` or ERROR.
"""
from __future__ import annotations

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

UNITS = {0: "cycles", 1: "instructions", 2: "us"}


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


@dataclass
class Frame:
    command: int
    payload: bytes
    version: int = VERSION


def read_frame(transport, timeout: float, waiting_for: str = "a frame",
               max_payload: int = MAX_PAYLOAD) -> Frame:
    """Read exactly one frame; raises a specific HarnessError otherwise.

    The whole frame must arrive within ``timeout`` seconds.  Bytes that do not
    start with the magic are garbage (ProtocolError) -- the target never sends
    anything but frames once the harness runs.
    """
    deadline = time.monotonic() + timeout
    got = bytearray()

    def need(n: int, what: str) -> bytes:
        data = transport.read_exact(n, deadline)
        got.extend(data)
        if len(data) < n:
            ctx = "while waiting for %s: expected %s" % (waiting_for, what)
            if transport.eof:
                raise TargetDisconnected(
                    "target closed the connection %s%s; received %s" % (
                        "in the middle of a frame " if got else "", ctx, hexdump(got)))
            raise TargetTimeout(
                "no complete frame from the target within %.3g s %s; received %s" % (
                    timeout, ctx, hexdump(got)))
        return data

    first = need(1, "the frame magic A5 5A")
    if first != MAGIC[:1]:
        extra = transport.read_available(63)
        got.extend(extra)
        raise ProtocolError("garbage from the target while waiting for %s: expected the frame "
                            "magic A5 5A, received %s" % (waiting_for, hexdump(got)))
    second = need(1, "the frame magic A5 5A")
    if second != MAGIC[1:]:
        got.extend(transport.read_available(62))
        raise ProtocolError("garbage from the target while waiting for %s: expected the frame "
                            "magic A5 5A, received %s" % (waiting_for, hexdump(got)))
    need(HEADER_SIZE - 2, "the rest of the 8-byte header")
    _, version, command, length = HEADER.unpack(bytes(got[:HEADER_SIZE]))
    if version != VERSION:
        got.extend(transport.read_available(64))
        raise ProtocolError("target speaks protocol version %d, the host speaks %d (while "
                            "waiting for %s); received %s" % (version, VERSION, waiting_for,
                                                              hexdump(got)))
    if length > max_payload:
        raise ProtocolError("implausible frame length %d (limit %d) while waiting for %s; "
                            "received %s" % (length, max_payload, waiting_for, hexdump(got)))
    payload = need(length, "%d payload bytes of a %s frame" % (length, command_name(command)))
    crc_bytes = need(4, "the CRC-32 of a %s frame" % command_name(command))
    want = crc32(bytes(got[:HEADER_SIZE + length]))
    have = struct.unpack("<I", crc_bytes)[0]
    if want != have:
        raise CrcError("frame CRC mismatch in a %s frame while waiting for %s: computed "
                       "0x%08x, the frame says 0x%08x; received %s" % (
                           command_name(command), waiting_for, want, have, hexdump(got)))
    return Frame(command, bytes(payload), version)
