"""Planning algorithms; each `algo(buffers, alignment) -> {name: offset}`."""
from __future__ import annotations

from typing import Callable

from .buffers import Buffer, align_up, conflicts

Algorithm = Callable[[list[Buffer], int], dict[str, int]]
ALGORITHMS: dict[str, Algorithm] = {}


def register(name: str):
    def deco(fn: Algorithm) -> Algorithm:
        ALGORITHMS[name] = fn
        return fn
    return deco


def _first_fit(order: list[Buffer], alignment: int) -> dict[str, int]:
    """Place each buffer at the lowest aligned offset that fits between already placed
    buffers whose lifetimes conflict with it."""
    placed: list[tuple[int, int, Buffer]] = []   # (offset, end, buffer)
    offsets: dict[str, int] = {}
    for b in order:
        busy = sorted((o, e) for o, e, p in placed if conflicts(p, b))
        off = 0
        for o, e in busy:
            if off + b.size <= o:
                break
            off = max(off, align_up(e, alignment))
        offsets[b.name] = off
        placed.append((off, off + b.size, b))
    return offsets


@register("naive")
def naive(buffers: list[Buffer], alignment: int) -> dict[str, int]:
    """Baseline and test oracle: every buffer gets its own region (no reuse)."""
    offsets, off = {}, 0
    for b in buffers:
        offsets[b.name] = off
        off = align_up(off + b.size, alignment)
    return offsets


@register("greedy_by_size")
def greedy_by_size(buffers: list[Buffer], alignment: int) -> dict[str, int]:
    order = sorted(buffers, key=lambda b: (-b.size, b.start, b.name))
    return _first_fit(order, alignment)


@register("greedy_by_conflicts")
def greedy_by_conflicts(buffers: list[Buffer], alignment: int) -> dict[str, int]:
    degree = {b.name: sum(align_up(o.size, alignment) for o in buffers if o is not b and conflicts(o, b))
              for b in buffers}
    order = sorted(buffers, key=lambda b: (-degree[b.name], -b.size, b.name))
    return _first_fit(order, alignment)


@register("greedy_by_lifetime")
def greedy_by_lifetime(buffers: list[Buffer], alignment: int) -> dict[str, int]:
    order = sorted(buffers, key=lambda b: (-(b.end - b.start) * b.size, -b.size, b.name))
    return _first_fit(order, alignment)
