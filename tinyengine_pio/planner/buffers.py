"""Buffers with half-open lifetimes [start, end) in operator steps."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Buffer:
    name: str
    size: int
    start: int   # first step that writes it (0 for model inputs)
    end: int     # last step that reads it + 1 (exclusive)

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError(f"buffer {self.name}: empty lifetime [{self.start}, {self.end})")


def conflicts(a: Buffer, b: Buffer) -> bool:
    """Half-open intervals intersect (equal intervals conflict too)."""
    return a.start < b.end and b.start < a.end


def align_up(n: int, alignment: int) -> int:
    return (n + alignment - 1) // alignment * alignment


def lower_bound(buffers: list[Buffer], alignment: int = 4) -> int:
    """Maximum over steps of the (aligned) bytes live at that step."""
    if not buffers:
        return 0
    steps = {b.start for b in buffers}
    return max(sum(align_up(b.size, alignment) for b in buffers if b.start <= s < b.end)
               for s in steps)


@dataclass(frozen=True)
class Pin:
    """offset[member] == offset[base] + delta: the member (an operator's output) overlaps the
    base (its dying input) in a way `pattern` proved safe. base/member are buffer names."""
    base: str
    member: str
    delta: int
    # planner.overlap.AccessPattern (None: disjoint lifetimes only); not compared (numpy arrays:
    # two pins are the same pin when base, member, delta, scratch and kind are)
    pattern: object = field(default=None, compare=False)
    scratch: int = 0           # bytes of kernel scratch this variant needs during the op
    kind: str = "overlap"      # which kernel variant the pin stands for (e.g. "inplace")


def scratch_buffers(buffers: list[Buffer], pins) -> list[Buffer]:
    """One-step scratch buffers of the chosen pins, named "scratch:<member>"."""
    start = {b.name: b.start for b in buffers}
    return [Buffer(f"scratch:{p.member}", p.scratch, start[p.member], start[p.member] + 1)
            for p in pins if p.scratch]


def groups(buffers: list[Buffer], pins: list[Pin]) -> list[list[tuple[Buffer, int]]]:
    """Buffers joined by pins, each with its offset relative to the group (min 0); singletons
    for unpinned buffers. Deterministic order (by first member name)."""
    by_name = {b.name: b for b in buffers}
    adj: dict[str, list[tuple[str, int]]] = {}
    for p in pins:
        adj.setdefault(p.base, []).append((p.member, p.delta))
        adj.setdefault(p.member, []).append((p.base, -p.delta))
    seen: set[str] = set()
    out = []
    for b in sorted(buffers, key=lambda x: x.name):
        if b.name in seen:
            continue
        rel = {b.name: 0}
        stack = [b.name]
        while stack:
            n = stack.pop()
            for m, d in adj.get(n, []):
                if m not in rel:
                    rel[m] = rel[n] + d
                    stack.append(m)
        seen.update(rel)
        lo = min(rel.values())
        out.append([(by_name[n], r - lo) for n, r in sorted(rel.items(), key=lambda kv: kv[1])])
    return out
