"""Choosing which overlaps (pins) to use.

Pinned buffers form rigid groups, so pinning everything is not best: a chain of overlaps drifts
(each expanding operator puts its output below its input). Two greedy strategies (add the pin
that lowers the arena most; drop each pin that does not pay) are each refined by a hill-climb
that toggles single pins; the caller keeps the best. Pins for the same member are alternatives
(different kernel variants) and never used together. Exploration skips verification.

The search is bounded: each trial plans every buffer (quadratic in their number), so a model
with hundreds of tensors (an unrolled RNN) gets fewer trials, WORK / buffers^2 per strategy,
and keeps the best pin set found by then. Deterministic; no model of a few dozen tensors comes
near the bound (the largest shared models use a fifth of it).
"""
from __future__ import annotations

from .buffers import Buffer, Pin

WORK = 8_000_000          # trials x buffers^2 per strategy


class _Budget:
    def __init__(self, trials: int):
        self.left = trials

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _key(p: Pin):
    return (p.member, p.base, p.kind)


def _with(current: list[Pin], pin: Pin) -> list[Pin]:
    return [q for q in current if q.member != pin.member] + [pin]


def _size(buffers, alignment, names, pins) -> tuple[int, int]:
    """(arena, profile): the arena of the quick algorithms' best plan, then the sum over steps
    of that plan's highest occupied byte, which breaks ties towards plans with more room (a
    pin that lowers a non-peak step can enable the next one)."""
    from . import run_algorithms
    from .buffers import scratch_buffers
    quick = [n for n in names if n not in ("naive", "hill_climb")] or names
    offsets, size, _, _ = run_algorithms(buffers, alignment, quick, pins, check=False)
    import numpy as np
    bufs = list(buffers) + scratch_buffers(buffers, pins)
    start = np.fromiter((b.start for b in bufs), np.int64, len(bufs))
    stop = np.fromiter((b.end for b in bufs), np.int64, len(bufs))
    end = np.fromiter((offsets[b.name] + b.size for b in bufs), np.int64, len(bufs))
    steps = np.arange(int(stop.max()) if len(bufs) else 0)[:, None]
    live = (start[None, :] <= steps) & (steps < stop[None, :])
    return size, int(np.where(live, end[None, :], 0).max(axis=1).sum())


def choose_pins(buffers: list[Buffer], alignment: int, names: list[str], overlaps: list[Pin]):
    """Candidate pin sets, best first-effort; empty when there are no overlaps."""
    if not overlaps:
        return []
    trials = max(20, WORK // max(1, len(buffers)) ** 2)
    out = []
    for strategy in (add_greedy, drop_greedy):
        budget = _Budget(trials)
        out.append(toggle(buffers, alignment, names, overlaps,
                          strategy(buffers, alignment, names, overlaps, budget), budget=budget))
    return out


def toggle(buffers, alignment, names, overlaps: list[Pin], current: list[Pin],
           passes: int = 3, budget: _Budget | None = None) -> list[Pin]:
    """Hill-climb over the pin set: flip one pin in or out, keep strict improvements."""
    budget = budget or _Budget(1 << 30)
    if not budget.take():
        return current
    cur = _size(buffers, alignment, names, current)
    for _ in range(passes):
        improved = False
        for pin in sorted(overlaps, key=_key):
            if not budget.take():
                return current
            trial = [p for p in current if p is not pin] if pin in current else _with(current, pin)
            s = _size(buffers, alignment, names, trial)
            if s < cur:
                current, cur, improved = trial, s, True
        if not improved:
            break
    return current


def drop_greedy(buffers, alignment, names, overlaps: list[Pin],
                budget: _Budget | None = None) -> list[Pin]:
    """Start from every overlap (first alternative per member); drop those that do not pay."""
    budget = budget or _Budget(1 << 30)
    current: list[Pin] = []
    for pin in sorted(overlaps, key=_key):
        if all(q.member != pin.member for q in current):
            current.append(pin)
    budget.take()
    cur = _size(buffers, alignment, names, current)
    for pin in sorted(current, key=_key):
        if not budget.take():
            break
        trial = [p for p in current if p is not pin]
        s = _size(buffers, alignment, names, trial)
        if s <= cur:
            current, cur = trial, s
    return current


def add_greedy(buffers, alignment, names, overlaps: list[Pin],
               budget: _Budget | None = None) -> list[Pin]:
    """Best improvement: add the pin that lowers the arena most, until none does."""
    budget = budget or _Budget(1 << 30)
    current: list[Pin] = []
    budget.take()
    cur = _size(buffers, alignment, names, current)
    remaining = sorted(overlaps, key=_key)
    while remaining:
        best = None
        for pin in remaining:
            if not budget.take():
                break
            s = _size(buffers, alignment, names, _with(current, pin))
            if s < cur and (best is None or s < best[0]):
                best = (s, pin)
        if best is None:
            break
        cur = best[0]
        current = _with(current, best[1])
        remaining = [p for p in remaining if p.member != best[1].member]
    return current
