"""Static arena planning: buffers with lifetimes and sizes in, offsets out.

All algorithms share one signature `algo(buffers, alignment) -> dict[name, offset]` and live in
ALGORITHMS; `plan()` runs them all, verifies every result and keeps the smallest arena
(ties broken by algorithm name order, so the result is deterministic).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .algorithms import ALGORITHMS
from .buffers import Buffer, align_up, conflicts, lower_bound
from .verify import verify

__all__ = ["Buffer", "Plan", "plan", "ALGORITHMS", "lower_bound", "verify", "conflicts", "align_up"]


@dataclass
class Plan:
    offsets: dict[str, int]
    arena_bytes: int
    lower_bound: int
    algorithm: str
    candidates: dict[str, int] = field(default_factory=dict)   # algorithm -> arena bytes

    @property
    def ratio(self) -> float:
        return self.arena_bytes / self.lower_bound if self.lower_bound else 1.0


def plan(buffers: list[Buffer], alignment: int = 4, algorithms: list[str] | None = None) -> Plan:
    names = algorithms or sorted(ALGORITHMS)
    best = None
    candidates = {}
    for name in names:
        offsets = ALGORITHMS[name](buffers, alignment)
        size = verify(buffers, offsets, alignment)
        candidates[name] = size
        if best is None or size < best[1]:
            best = (offsets, size, name)
    offsets, size, name = best if best else ({}, 0, "none")
    return Plan(offsets=offsets, arena_bytes=size, lower_bound=lower_bound(buffers, alignment),
                algorithm=name, candidates=candidates)
