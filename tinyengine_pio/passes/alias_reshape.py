"""RESHAPE / SQUEEZE / EXPAND_DIMS (and other pure views) become aliases: same bytes, no copy, no
code; an OpDef.alias that is a function gives several views at byte offsets (SPLIT)."""
from __future__ import annotations

from ..ir import Graph
from ..ops import lookup


def alias_reshape(g: Graph) -> Graph:
    keep = []
    for op in g.operators:
        alias = lookup(op).alias
        if not alias:
            keep.append(op)
            continue
        if callable(alias):     # outputs that are views at byte offsets (SPLIT), or None: a copy
            views = alias(g, op)
            if views is None:
                keep.append(op)
                continue
            for out, src, offset in views:
                g.t(out).alias_of, g.t(out).alias_offset = src, offset
            continue
        src, dst = g.t(op.inputs[0]), g.t(op.outputs[0])
        if src.nbytes != dst.nbytes:
            from ..ops.base import unsupported
            raise unsupported(op, f"{src.nbytes} input bytes reshaped to {dst.nbytes} output bytes")
        if src.is_const:
            dst.data = src.data.reshape(dst.shape)
        else:
            dst.alias_of = op.inputs[0]
    g.operators = keep
    return g
