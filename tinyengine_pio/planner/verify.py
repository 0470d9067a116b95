"""Independent plan checker: no two conflicting buffers overlap, all inside the arena."""
from __future__ import annotations

from .buffers import Buffer, conflicts


class PlanError(AssertionError):
    pass


def verify(buffers: list[Buffer], offsets: dict[str, int], alignment: int = 4) -> int:
    """Return the arena size the plan needs; raise PlanError if it is invalid."""
    arena = 0
    for b in buffers:
        off = offsets.get(b.name)
        if off is None:
            raise PlanError(f"buffer {b.name} has no offset")
        if off < 0 or off % alignment:
            raise PlanError(f"buffer {b.name} at {off}: negative or not {alignment}-aligned")
        arena = max(arena, off + b.size)
    ordered = sorted(buffers, key=lambda b: offsets[b.name])
    for i, a in enumerate(ordered):
        a_end = offsets[a.name] + a.size
        for b in ordered[i + 1:]:
            if offsets[b.name] >= a_end:
                break
            if conflicts(a, b) and a.size and b.size:
                raise PlanError(f"buffers {a.name} [{offsets[a.name]}, {a_end}) and {b.name} "
                                f"[{offsets[b.name]}, {offsets[b.name] + b.size}) overlap in memory "
                                f"while both live (steps [{a.start},{a.end}) and [{b.start},{b.end}))")
    return (arena + alignment - 1) // alignment * alignment
