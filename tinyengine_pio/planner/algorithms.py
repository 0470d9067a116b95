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


def _extent(offsets: dict[str, int], buffers: list[Buffer]) -> int:
    return max((offsets[b.name] + b.size for b in buffers), default=0)


@register("hill_climb")
def hill_climb(buffers: list[Buffer], alignment: int, pins: list[Pin] = (),
               iterations: int = 300) -> dict[str, int]:
    """Improving search over the placement order: start from the greedy-by-size order, move one
    group earlier (deterministic sequence), keep the change when the arena shrinks; stop at the
    classical lower bound (no pins) or after `iterations` tries."""
    from .buffers import lower_bound
    gs = sorted(groups(buffers, list(pins)),
                key=lambda g: (-max(b.size for b, _ in g), -_span(g), g[0][0].name))
    best_order = gs
    best = place(gs, alignment)
    best_size = _extent(best, buffers)
    target = 0 if pins else lower_bound(buffers, 1)
    n = len(gs)
    if n < 2:
        return best
    state = 12345
    for _ in range(iterations):
        if best_size <= target:
            break
        state = (1103515245 * state + 12345) % (1 << 31)      # fixed LCG: reproducible plans
        i = 1 + state % (n - 1)
        j = state // n % i
        order = best_order[:j] + [best_order[i]] + best_order[j:i] + best_order[i + 1:]
        offsets = place(order, alignment)
        size = _extent(offsets, buffers)
        if size < best_size:
            best_order, best, best_size = order, offsets, size
    return best
