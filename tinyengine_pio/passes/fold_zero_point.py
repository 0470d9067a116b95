"""Fold the input zero point into the bias: sum((x - zp) * w) + b == sum(x * w) + (b - zp * sum(w)).

Each operator that can (its OpDef has `fold_input_offset`: CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED) decides where it is exact: where no tap falls into padding (a kernel that
skips padded taps would then miss their -zp * w share), or where its kernel fills padding with
the zero point (CONV_2D's im2col). The kernel then runs with in_off = 0, one add fewer per MAC.
"""
from __future__ import annotations

from ..flash import op_scope
from ..ir import Graph
from ..ops import lookup


def fold_zero_point(g: Graph) -> Graph:
    for op in g.operators:
        fold = lookup(op).fold_input_offset
        if fold is not None:
            with op_scope(g, op):
                fold(g, op)
    return g
