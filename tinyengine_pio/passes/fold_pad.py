"""Fold an explicit PAD into the following CONV_2D / DEPTHWISE_CONV_2D.

A convolution skips out-of-bounds taps, which equals reading the input zero point (the offset
input is then 0). So a PAD whose pad value is the zero point, padding only H and W, and whose
output feeds exactly one convolution disappears: the convolution reads the unpadded input with
larger explicit padding. No padded copy is ever materialized.
"""
from __future__ import annotations

import numpy as np

from ..ir import Graph
from ..ops import lookup


def fold_pad(g: Graph) -> Graph:
    consumers = g.consumers()
    drop = set()
    for op in g.operators:
        if not lookup(op).is_pad:
            continue
        src, dst = g.t(op.inputs[0]), g.t(op.outputs[0])
        pads = g.t(op.inputs[1])
        users = consumers.get(op.outputs[0], [])
        if (not pads.is_const or len(users) != 1 or not lookup(users[0]).accepts_folded_pad
                or op.outputs[0] in g.outputs or len(dst.shape) != 4 or src.dtype != "int8"
                or src.scale is None or dst.scale is None
                or src.s != dst.s or src.zp != dst.zp or users[0].inputs[0] != op.outputs[0]):
            continue
        p = np.asarray(pads.data).reshape(-1, 2)
        if p.shape[0] != 4 or p[0].any() or p[3].any() or (p < 0).any():
            continue
        if op.kind == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
            cv = g.t(op.inputs[2])
            if not cv.is_const or int(np.asarray(cv.data).reshape(-1)[0]) != dst.zp:
                continue
        conv = users[0]
        et, el, eb, er = conv.fused.extra_pad
        conv.fused.extra_pad = (et + int(p[1][0]), el + int(p[2][0]), eb + int(p[1][1]),
                                er + int(p[2][1]))
        conv.fused.pad_from = op.index
        conv.inputs[0] = op.inputs[0]
        drop.add(id(op))
    g.operators = [op for op in g.operators if id(op) not in drop]
    return g
