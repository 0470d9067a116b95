"""Static arena planning: buffers with lifetimes and sizes in, offsets out.

All algorithms share one signature `algo(buffers, alignment, pins) -> {name: offset}` and live in
ALGORITHMS. `plan()` also chooses which candidate overlaps (Pins: an output placed over its dying
input, possibly with a scratch buffer) to use (select.py), runs every algorithm, verifies each
result independently and keeps the smallest arena (ties broken by algorithm name order, so the
result is deterministic).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .algorithms import ALGORITHMS
from .buffers import Buffer, Pin, align_up, conflicts, groups, lower_bound, scratch_buffers
from .verify import PlanError, verify

__all__ = ["Buffer", "Pin", "Plan", "plan", "ALGORITHMS", "lower_bound", "verify", "conflicts",
           "align_up", "groups", "PlanError", "run_algorithms"]


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


def run_algorithms(buffers, alignment, names, pins, check: bool = True
                   ) -> tuple[dict[str, int], int, str, dict[str, int]]:
    """Run algorithms with `pins` (adding their scratch buffers); `check` verifies each result
    (skipped only while exploring pin sets, whose chosen result is planned again checked)."""
    bufs = list(buffers) + scratch_buffers(buffers, pins)
    best = None
    sizes = {}
    for name in names:
        offsets = ALGORITHMS[name](bufs, alignment, pins)
        if check:
            size = verify(bufs, offsets, alignment, pins)
        else:
            size = align_up(max((offsets[b.name] + b.size for b in bufs), default=0), alignment)
        sizes[name] = size
        if best is None or size < best[1]:
            best = (offsets, size, name)
    return best[0], best[1], best[2], sizes


def plan(buffers: list[Buffer], alignment: int = 4, algorithms: list[str] | None = None,
         overlaps: list[Pin] = ()) -> Plan:
    """Plan `buffers`; `overlaps` are optional pins the planner may use where they help
    (several pins for one member are alternatives: at most one is used)."""
    from .select import choose_pins
    names = algorithms or sorted(ALGORITHMS)
    if not buffers:
        return Plan({}, 0, 0, "none")
    offsets, size, name, sizes = run_algorithms(buffers, alignment, names, [])
    chosen: list[Pin] = []
    for current in choose_pins(buffers, alignment, names, list(overlaps)):
        o2, s2, n2, sizes2 = run_algorithms(buffers, alignment, names, current)
        if s2 < size:
            offsets, size, name, sizes, chosen = o2, s2, n2, sizes2, current
    return Plan(offsets=offsets, arena_bytes=size, lower_bound=lower_bound(buffers, alignment),
                algorithm=name, pins=chosen, candidates=sizes)
