"""Independent plan checker: every pin honoured and proven hazard-free by simulating the
kernel's access order; no other two lifetime-conflicting buffers overlap; all aligned."""
from __future__ import annotations

from .buffers import Buffer, Pin, conflicts
from .overlap import hazard_free


class PlanError(AssertionError):
    pass


def verify(buffers: list[Buffer], offsets: dict[str, int], alignment: int = 4,
           pins: list[Pin] = ()) -> int:
    """Return the arena size the plan needs; raise PlanError if it is invalid."""
    arena = 0
    for b in buffers:
        off = offsets.get(b.name)
        if off is None:
            raise PlanError(f"buffer {b.name} has no offset")
        if off < 0 or off % alignment:
            raise PlanError(f"buffer {b.name} at {off}: negative or not {alignment}-aligned")
        arena = max(arena, off + b.size)
    allowed = set()
    for p in pins:
        if offsets[p.member] - offsets[p.base] != p.delta:
            raise PlanError(f"pin {p.member} = {p.base} + {p.delta} not honoured")
        if p.pattern is not None and not hazard_free(p.pattern, p.delta):
            raise PlanError(f"{p.member} at {p.delta:+d} bytes from {p.base} overwrites input "
                            "bytes before their last read")
        allowed.add((p.base, p.member))
        allowed.add((p.member, p.base))
    ordered = sorted(buffers, key=lambda b: offsets[b.name])
    for i, a in enumerate(ordered):
        a_end = offsets[a.name] + a.size
        for b in ordered[i + 1:]:
            if offsets[b.name] >= a_end:
                break
            if conflicts(a, b) and a.size and b.size and (a.name, b.name) not in allowed:
                raise PlanError(f"buffers {a.name} [{offsets[a.name]}, {a_end}) and {b.name} "
                                f"[{offsets[b.name]}, {offsets[b.name] + b.size}) overlap in memory "
                                f"while both live (steps [{a.start},{a.end}) and [{b.start},{b.end}))")
    return (arena + alignment - 1) // alignment * alignment
