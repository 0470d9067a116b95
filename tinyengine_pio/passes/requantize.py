"""Run every operator's prepare(): validate it and precompute its integer parameters
(per-channel multipliers and shifts, clamps, lookup tables) on the host."""
from __future__ import annotations

from ..errors import ScaleError
from ..flash import op_scope
from ..ir import Graph
from ..ops import lookup
from ..ops.signature import invalid


def requantize(g: Graph) -> Graph:
    for op in g.operators:
        try:
            with op_scope(g, op):      # a flash fallback's op sees optimize=size
                lookup(op).prepare(g, op)
        except ScaleError as e:
            raise invalid(op, f"its quantization cannot be run: {e}") from None
    return g
