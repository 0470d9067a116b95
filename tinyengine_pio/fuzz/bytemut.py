"""Byte-level mutators of a raw .tflite flatbuffer. Most damage lands in the flatbuffer's
structure (tables, vtables, offsets, vector lengths) rather than inside the large constant
buffers, where it would only change weights: `structure_offset` draws 3 of 4 offsets outside
every buffer's data vector."""
from __future__ import annotations

import functools
import random
import struct
from collections.abc import Callable

BOUNDARY_BYTES = (0x00, 0xFF, 0x7F, 0x80, 0x01)


@functools.lru_cache(maxsize=64)
def data_spans(data: bytes) -> tuple[tuple[int, int], ...]:
    """[start, end) of every buffer data vector longer than 64 bytes (empty if unparsable)."""
    try:
        import tflite
        m = tflite.Model.GetRootAsModel(data, 0)
        spans = []
        for i in range(m.BuffersLength()):
            tab = m.Buffers(i)._tab
            o = tab.Offset(4)
            if o and tab.VectorLen(o) > 64:
                start = tab.Vector(o)
                spans.append((start, start + tab.VectorLen(o)))
        return tuple(sorted(spans))
    except Exception:  # noqa: BLE001  (damaged bytes: mutate anywhere)
        return ()


def _gaps(data: bytes) -> list[tuple[int, int]]:
    gaps, pos = [], 0
    for a, b in data_spans(data):
        if a > pos:
            gaps.append((pos, a))
        pos = max(pos, b)
    if pos < len(data):
        gaps.append((pos, len(data)))
    return gaps


def structure_offset(rng: random.Random, data: bytes, align: int = 1) -> int:
    gaps = _gaps(data) if rng.random() < 0.75 else []
    if gaps:
        total = sum(b - a for a, b in gaps)
        k = rng.randrange(total)
        for a, b in gaps:
            if k < b - a:
                off = a + k
                break
            k -= b - a
    else:
        off = rng.randrange(len(data))
    off -= off % align
    return min(off, len(data) - align)


def bit_flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 4, 8))):
        out[structure_offset(rng, data)] ^= 1 << rng.randrange(8)
    return bytes(out)


def byte_boundary(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4))):
        out[structure_offset(rng, data)] = rng.choice(BOUNDARY_BYTES)
    return bytes(out)


def int_boundary(data: bytes, rng: random.Random) -> bytes:
    """A 32-bit little-endian word (an offset, a length, a scalar) set to a boundary value."""
    out = bytearray(data)
    off = structure_offset(rng, data, 4)
    v = rng.choice((0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, len(data), len(data) + 4,
                    struct.unpack_from("<I", data, off)[0] + rng.choice((-4, 4, 8))))
    struct.pack_into("<I", out, off, v & 0xFFFFFFFF)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    n = len(data)
    return data[:rng.choice((0, 4, 7, 8, 12, rng.randrange(n), n - 1, n - rng.randrange(1, 64)))]


def chunk_dup(data: bytes, rng: random.Random) -> bytes:
    a = structure_offset(rng, data)
    b = min(len(data), a + rng.choice((1, 4, 16, 256)))
    at = structure_offset(rng, data)
    return data[:at] + data[a:b] + data[at:]


def chunk_remove(data: bytes, rng: random.Random) -> bytes:
    a = structure_offset(rng, data)
    return data[:a] + data[a + rng.choice((1, 4, 16, 256)):]


BYTES: dict[str, Callable[[bytes, random.Random], bytes]] = {f.__name__: f for f in (
    bit_flip, byte_boundary, int_boundary, truncate, chunk_dup, chunk_remove)}
