"""Errors of the hardware-in-the-loop harness.

Every error that concerns bytes from the target says what was received, so a
failure is diagnosable from the message alone; no figure is ever made up when
the target does not deliver it.
"""
from __future__ import annotations

from ..errors import TinyEngineError


def hexdump(data: bytes, limit: int = 64) -> str:
    """``'5 bytes: a5 5a 01 ...'`` -- also shows printable text if there is some.

    More than ``limit`` bytes: the first and the last ``limit // 2``
    (``'300 bytes, first 32 and last 32: a5 5a ... | ... 00'``), so both where the
    bytes started and where they stopped are in the message."""
    data = bytes(data)
    if not data:
        return "nothing (0 bytes)"
    if len(data) > limit:
        half = limit // 2
        parts = [data[:half], data[-half:]]
        prefix = "%d bytes, first %d and last %d: " % (len(data), half, half)
    else:
        parts = [data]
        prefix = "%d bytes: " % len(data)
    hx = " ... ".join(" ".join("%02x" % b for b in part) for part in parts)
    shown = b"".join(parts)
    text = ""
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in shown)
    if printable >= max(4, len(shown) * 3 // 4):
        text = " (text %s)" % " ... ".join(repr(part.decode("ascii", "replace"))
                                          for part in parts)
    return prefix + hx + text


class HarnessError(TinyEngineError):
    """Base class: anything that went wrong talking to or running a target."""


class TargetTimeout(HarnessError):
    """The target did not send a complete frame in time."""


class TargetDisconnected(HarnessError):
    """The connection closed (socket EOF, pty hung up, QEMU exited)."""


class ProtocolError(HarnessError):
    """Bytes that are not a valid frame (garbage, bad CRC, wrong version...)."""


class CrcError(ProtocolError):
    """A frame (or a tensor inside it) whose CRC-32 does not match."""


class TargetReset(HarnessError):
    """The target announced a (re)boot while a request was outstanding."""


class TargetError(HarnessError):
    """The target answered a request with an ERROR frame."""

    def __init__(self, message: str, code: int = 0, command: int = 0):
        super().__init__(message)
        self.code = code
        self.command = command


class BuildError(HarnessError):
    """Building the firmware failed."""
