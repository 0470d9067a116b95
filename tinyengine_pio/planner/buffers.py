"""Buffers with half-open lifetimes [start, end) in operator steps."""
from __future__ import annotations

from dataclasses import dataclass


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
