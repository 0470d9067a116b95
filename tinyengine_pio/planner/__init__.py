"""Static arena planning: buffers with lifetimes and sizes in, offsets out.

All algorithms share one signature `algo(buffers, alignment, pins) -> {name: offset}` and live in
ALGORITHMS. `plan()` also chooses which candidate overlaps (Pins: an output placed over its dying
input) to use, runs every algorithm, verifies each result independently and keeps the smallest
arena (ties broken by algorithm name order, so the result is deterministic).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .algorithms import ALGORITHMS
from .buffers import Buffer, Pin, align_up, conflicts, groups, lower_bound
from .verify import PlanError, verify

__all__ = ["Buffer", "Pin", "Plan", "plan", "ALGORITHMS", "lower_bound", "verify", "conflicts",
           "align_up", "groups", "PlanError"]


@dataclass
class Plan:
    offsets: dict[str, int]
    arena_bytes: int
    lower_bound: int
    algorithm: str
    pins: list[Pin] = field(default_factory=list)
    candidates: dict[str, int] = field(default_factory=dict)   # algorithm -> arena bytes

    @property
    def ratio(self) -> float:
        return self.arena_bytes / self.lower_bound if self.lower_bound else 1.0


def _run(buffers, alignment, names, pins, check: bool = True
         ) -> tuple[dict[str, int], int, str, dict[str, int]]:
    """Run algorithms; `check` verifies each result (skipped only while exploring pin sets,
    whose chosen result is then planned again with checking on)."""
    best = None
    sizes = {}
    for name in names:
        offsets = ALGORITHMS[name](buffers, alignment, pins)
        if check:
            size = verify(buffers, offsets, alignment, pins)
        else:
            size = align_up(max((offsets[b.name] + b.size for b in buffers), default=0), alignment)
        sizes[name] = size
        if best is None or size < best[1]:
            best = (offsets, size, name)
    return best[0], best[1], best[2], sizes


def plan(buffers: list[Buffer], alignment: int = 4, algorithms: list[str] | None = None,
         overlaps: list[Pin] = ()) -> Plan:
    """Plan `buffers`; `overlaps` are optional pins the planner may use where they help."""
    names = algorithms or sorted(ALGORITHMS)
    if not buffers:
        return Plan({}, 0, 0, "none")
    offsets, size, name, sizes = _run(buffers, alignment, names, [])
    chosen: list[Pin] = []
    if overlaps:
        for strategy in (_add_pins, _drop_pins):
            current = _toggle_pins(buffers, alignment, names, list(overlaps),
                                   strategy(buffers, alignment, names, list(overlaps)))
            o2, s2, n2, sizes2 = _run(buffers, alignment, names, current)
            if s2 < size:
                offsets, size, name, sizes, chosen = o2, s2, n2, sizes2, current
    return Plan(offsets=offsets, arena_bytes=size, lower_bound=lower_bound(buffers, alignment),
                algorithm=name, pins=chosen, candidates=sizes)


def _quick(names):
    """Algorithms used while choosing pins: every real one (the oracle `naive` never wins)."""
    return [n for n in names if n != "naive"] or names


def _toggle_pins(buffers, alignment, names, overlaps: list[Pin], current: list[Pin],
                 passes: int = 3) -> list[Pin]:
    """Hill-climb over the pin set: flip one pin in or out, keep strict improvements."""
    quick = _quick(names)
    cur = _run(buffers, alignment, quick, current, check=False)[1]
    for _ in range(passes):
        improved = False
        for pin in sorted(overlaps, key=lambda p: (p.member, p.base)):
            trial = [p for p in current if p is not pin] if pin in current else current + [pin]
            s = _run(buffers, alignment, quick, trial, check=False)[1]
            if s < cur:
                current, cur, improved = trial, s, True
        if not improved:
            break
    return current


def _drop_pins(buffers, alignment, names, overlaps: list[Pin]) -> list[Pin]:
    """Start from every overlap; drop each one whose removal does not enlarge the arena."""
    quick = _quick(names)
    current = list(overlaps)
    cur = _run(buffers, alignment, quick, current, check=False)[1]
    for pin in sorted(overlaps, key=lambda p: (p.member, p.base)):
        trial = [p for p in current if p is not pin]
        s = _run(buffers, alignment, quick, trial, check=False)[1]
        if s <= cur:
            current, cur = trial, s
    return current


def _add_pins(buffers, alignment, names, overlaps: list[Pin]) -> list[Pin]:
    """Best-improvement greedy: add the overlap that lowers the arena most, until none does.

    Pinned buffers form rigid groups, so a chain of overlaps drifts (each expanding operator
    puts its output below its input); adding pins one at a time where they pay keeps groups
    short. Evaluated with the quickest algorithm; the final plan runs all of them."""
    quick = _quick(names)
    current: list[Pin] = []
    cur = _run(buffers, alignment, quick, current, check=False)[1]
    remaining = sorted(overlaps, key=lambda p: (p.member, p.base))
    while remaining:
        best = None
        for pin in remaining:
            s = _run(buffers, alignment, quick, current + [pin], check=False)[1]
            if s < cur and (best is None or s < best[0]):
                best = (s, pin)
        if best is None:
            break
        cur = best[0]
        current.append(best[1])
        remaining.remove(best[1])
    return current
