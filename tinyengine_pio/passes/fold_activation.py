"""Fold a standalone activation (an op whose OpDef has `activation`: RELU, RELU6) into the producer's output clamp.

Valid when the activation does not requantize (same scale and zero point in and out), the
producer has a fused-activation clamp (its OpDef says `fuses_activation`: conv, depthwise, FC,
add, mul, pools, ...) and the activation is the producer's only reader: no other consumer, not a model output, and
no view of it (a RESHAPE turned into an alias before this pass still reads the unclamped
values). The producer's fused activation itself is turned
into the [act_min, act_max] clamp by each operator's prepare().
"""
from __future__ import annotations

from ..ir import Graph
from ..ops import lookup
from ..quant import activation_range


def fold_activation(g: Graph) -> Graph:
    producers = g.producers()
    consumers = g.consumers()
    viewed = {t.alias_of for t in g.tensors if t.alias_of is not None}   # RESHAPEs already gone
    drop = set()
    for op in g.operators:
        activation = lookup(op).activation
        if activation is None:
            continue
        src_i, dst_i = op.inputs[0], op.outputs[0]
        src, dst = g.t(src_i), g.t(dst_i)
        prod = producers.get(src_i)
        if (prod is None or not lookup(prod).fuses_activation or len(consumers.get(src_i, [])) != 1
                or src_i in g.outputs or src_i in viewed
                or src.dtype != "int8" or dst.dtype != "int8"
                or src.s != dst.s or src.zp != dst.zp):
            continue
        lo, hi = activation_range(activation, dst.s, dst.zp)
        plo, phi = prod.fused.clamp or (-128, 127)
        prod.fused.clamp = (max(lo, plo), min(hi, phi))
        prod.fused.activation = op.kind
        prod.outputs[0] = dst_i
        drop.add(id(op))
    g.operators = [op for op in g.operators if id(op) not in drop]
    return g
