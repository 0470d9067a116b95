"""Graph passes, each a pure function Graph -> Graph in its own module, run in PIPELINE order."""
from __future__ import annotations

import copy

from ..ir import Graph
from .alias_reshape import alias_reshape
from .dead_code import drop_dead
from .depthwise_as_conv import depthwise_as_conv
from .finalize import finalize
from .fold_activation import fold_activation
from .fold_pad import fold_pad
from .fold_zero_point import fold_zero_point
from .int8_io import int8_io
from .requantize import requantize

PIPELINE = [int8_io, fold_pad, depthwise_as_conv, alias_reshape, drop_dead, fold_activation,
            requantize, fold_zero_point, finalize]


def run_pipeline(g: Graph) -> Graph:
    g = copy.deepcopy(g)
    for p in PIPELINE:
        g = p(g)
    return g
