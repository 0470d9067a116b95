"""Run every operator's finalize(): the host math that needs the input offset already folded
(passes/fold_zero_point.py), i.e. the SIMD variants' requantization constants and tables. After
this pass an operator's params hold every number its emit() writes."""
from __future__ import annotations

from ..flash import op_scope
from ..ir import Graph
from ..ops import lookup


def finalize(g: Graph) -> Graph:
    for op in g.operators:
        hook = lookup(op).finalize
        if hook is not None:
            with op_scope(g, op):      # a flash fallback's op sees optimize=size
                hook(g, op)
    return g
