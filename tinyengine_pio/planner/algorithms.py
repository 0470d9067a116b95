"""Planning algorithms; each `algo(buffers, alignment, pins) -> {name: offset}`.

Pinned buffers (an output overlapping its dying input) move as one rigid group."""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from .buffers import Buffer, Pin, align_up, conflicts, groups

Algorithm = Callable[[list[Buffer], int, list[Pin]], dict[str, int]]
ALGORITHMS: dict[str, Algorithm] = {}


def register(name: str):
    def deco(fn: Algorithm) -> Algorithm:
        ALGORITHMS[name] = fn
        return fn
    return deco


Group = list[tuple[Buffer, int]]


def place(order: list[Group], alignment: int) -> dict[str, int]:
    """First fit: each group at the lowest aligned base where none of its members overlaps a
    placed buffer whose lifetime it conflicts with."""
    placed: list[tuple[int, int, Buffer]] = []      # (offset, end, buffer)
    offsets: dict[str, int] = {}
    for grp in order:
        busy = []                                  # (member rel, other offset, other end)
        for b, rel in grp:
            for o, e, p in placed:
                if conflicts(p, b) and b.size and p.size:
                    busy.append((rel, b.size, o, e))
        candidates = sorted({0} | {align_up(e, alignment) - rel for rel, _, _, e in busy
                                   if align_up(e, alignment) - rel > 0})
        for base in candidates:
            if base % alignment:
                continue
            if all(base + rel + size <= o or base + rel >= e for rel, size, o, e in busy):
                break
        for b, rel in grp:
            offsets[b.name] = base + rel
            placed.append((base + rel, base + rel + b.size, b))
    return offsets


def _span(grp: Group) -> int:
    return max(rel + b.size for b, rel in grp)


@register("naive")
def naive(buffers: list[Buffer], alignment: int, pins: list[Pin] = ()) -> dict[str, int]:
    """Baseline and test oracle: every group gets its own region (no reuse)."""
    offsets, off = {}, 0
    for grp in groups(buffers, list(pins)):
        for b, rel in grp:
            offsets[b.name] = off + rel
        off = align_up(off + _span(grp), alignment)
    return offsets


@register("greedy_by_size")
def greedy_by_size(buffers: list[Buffer], alignment: int, pins: list[Pin] = ()) -> dict[str, int]:
    gs = groups(buffers, list(pins))
    return place(sorted(gs, key=lambda g: (-max(b.size for b, _ in g), -_span(g), g[0][0].name)),
                 alignment)


@lru_cache(maxsize=64)
def _conflict_bytes(buffers: tuple[Buffer, ...], alignment: int) -> dict[str, int]:
    """Aligned bytes of all other buffers each buffer's lifetime conflicts with."""
    return {b.name: sum(align_up(o.size, alignment) for o in buffers if o is not b and conflicts(o, b))
            for b in buffers}


@register("greedy_by_conflicts")
def greedy_by_conflicts(buffers: list[Buffer], alignment: int, pins: list[Pin] = ()) -> dict[str, int]:
    gs = groups(buffers, list(pins))
    deg = _conflict_bytes(tuple(buffers), alignment)

    def degree(g: Group) -> int:   # lifetime conflicts with buffers outside the group
        inner = sum(align_up(o.size, alignment) for b, _ in g for o, _ in g
                    if o is not b and conflicts(o, b))
        return sum(deg[b.name] for b, _ in g) - inner
    return place(sorted(gs, key=lambda g: (-degree(g), -_span(g), g[0][0].name)), alignment)


@register("greedy_by_lifetime")
def greedy_by_lifetime(buffers: list[Buffer], alignment: int, pins: list[Pin] = ()) -> dict[str, int]:
    gs = groups(buffers, list(pins))

    def key(g: Group):
        life = max(b.end for b, _ in g) - min(b.start for b, _ in g)
        return (-life * _span(g), -_span(g), g[0][0].name)
    return place(sorted(gs, key=key), alignment)
