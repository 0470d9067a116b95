"""RESHAPE / SQUEEZE (and other pure views) become aliases: same bytes, no copy, no code."""
from __future__ import annotations

from ..ir import Graph
from ..ops import lookup


def alias_reshape(g: Graph) -> Graph:
    keep = []
    for op in g.operators:
        if not lookup(op).alias:
            keep.append(op)
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
