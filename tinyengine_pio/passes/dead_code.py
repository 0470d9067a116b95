"""Drop operators whose outputs nobody reads (and that are not graph outputs)."""
from __future__ import annotations

from ..ir import Graph


def drop_dead(g: Graph) -> Graph:
    changed = True
    while changed:
        used = set(g.outputs)
        for op in g.operators:
            used.update(i for i in op.inputs if i >= 0)
        # aliases keep their source alive, through whole chains (RESHAPE -> RESHAPE -> ...)
        for i in list(used):
            while g.t(i).alias_of is not None and g.t(i).alias_of not in used:
                i = g.t(i).alias_of
                used.add(i)
        keep = [op for op in g.operators if any(o in used for o in op.outputs)]
        changed = len(keep) != len(g.operators)
        g.operators = keep
    return g
