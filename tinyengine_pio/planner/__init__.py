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


def _run(buffers, alignment, names, pins) -> tuple[dict[str, int], int, str, dict[str, int]]:
    best = None
    sizes = {}
    for name in names:
        offsets = ALGORITHMS[name](buffers, alignment, pins)
        size = verify(buffers, offsets, alignment, pins)
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
        quick = ["greedy_by_size"] if "greedy_by_size" in names else names[:1]
        # start from every overlap, then drop each one that does not pay for itself
        current = list(overlaps)
        cur_size = _run(buffers, alignment, quick, current)[1]
        for pin in sorted(overlaps, key=lambda p: (p.member, p.base)):
            trial = [p for p in current if p is not pin]
            s = _run(buffers, alignment, quick, trial)[1]
            if s <= cur_size:
                current, cur_size = trial, s
        for pin in sorted(overlaps, key=lambda p: (p.member, p.base)):   # second chance
            if pin in current:
                continue
            s = _run(buffers, alignment, quick, current + [pin])[1]
            if s < cur_size:
                current, cur_size = current + [pin], s
        o2, s2, n2, sizes2 = _run(buffers, alignment, names, current)
        if s2 < size:
            offsets, size, name, sizes, chosen = o2, s2, n2, sizes2, current
    return Plan(offsets=offsets, arena_bytes=size, lower_bound=lower_bound(buffers, alignment),
                algorithm=name, pins=chosen, candidates=sizes)
