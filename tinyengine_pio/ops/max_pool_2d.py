"""MAX_POOL_2D int8: maximum of the in-bounds window."""
from __future__ import annotations

from ..ir import Graph, Operator
from .base import OpDef, register
from .common import emit_pool, prepare_pool, read_pool_options, window_access


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.outputs[0]).size * op.options["filter_h"] * op.options["filter_w"]


register(OpDef(name="MAX_POOL_2D", stem="max_pool_2d", read_options=read_pool_options,
               prepare=prepare_pool, emit=emit_pool("te_max_pool_2d_s8"),
               kernels=("max_pool_2d",), macs=macs,
               access=window_access))
