"""Run every operator's prepare(): validate it and precompute its integer parameters
(per-channel multipliers and shifts, clamps, lookup tables) on the host."""
from __future__ import annotations

from ..ir import Graph
from ..ops import lookup


def requantize(g: Graph) -> Graph:
    for op in g.operators:
        lookup(op).prepare(g, op)
    return g
