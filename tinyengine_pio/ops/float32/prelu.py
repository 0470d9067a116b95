"""PRELU float32 with a broadcast alpha tensor (TFLM prelu_common.cc BroadcastPrelu4DSlowFloat:
`x >= 0 ? x : x * alpha` over at most 4 dimensions)."""
from __future__ import annotations

import numpy as np

from ...ir import Graph, Operator
from ..base import register, require
from . import binary
from .binary import binary_opdef


def prepare(g: Graph, op: Operator) -> None:
    rank = max(len(g.t(i).shape) for i in (*op.inputs[:2], op.outputs[0]))
    require(rank <= 4, op, f"rank {rank} (TFLM's float PRELU broadcasts at most 4 dimensions)")
    binary.prepare(g, op)


def _prelu(x, alpha):
    return np.where(x >= 0, x, x * alpha)


register(binary_opdef("PRELU", "prelu", _prelu, clamps=False, prepare=prepare))
