"""Fold standalone RELU / RELU6 / RELU_N1_TO_1 into the producer's output clamp.

Valid when the activation does not requantize (same scale and zero point in and out), the
producer has a fused-activation clamp (conv, depthwise, FC, add, mul, pools, ...) and the
activation is the producer's only consumer. The producer's fused activation itself is turned
into the [act_min, act_max] clamp by each operator's prepare().
"""
from __future__ import annotations

from ..ir import Graph
from ..quant import activation_range

CLAMPED = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL", "AVERAGE_POOL_2D",
           "MAX_POOL_2D"}
RANGES = {"RELU": "RELU", "RELU6": "RELU6", "RELU_N1_TO_1": "RELU_N1_TO_1"}


def fold_activation(g: Graph) -> Graph:
    producers = g.producers()
    consumers = g.consumers()
    drop = set()
    for op in g.operators:
        if op.kind not in RANGES:
            continue
        src_i, dst_i = op.inputs[0], op.outputs[0]
        src, dst = g.t(src_i), g.t(dst_i)
        prod = producers.get(src_i)
        if (prod is None or prod.kind not in CLAMPED or len(consumers.get(src_i, [])) != 1
                or src_i in g.outputs or src.dtype != "int8" or dst.dtype != "int8"
                or src.s != dst.s or src.zp != dst.zp):
            continue
        lo, hi = activation_range(RANGES[op.kind], dst.s, dst.zp)
        plo, phi = prod.params.get("clamp", (-128, 127))
        prod.params["clamp"] = (max(lo, plo), min(hi, phi))
        prod.params["folded_activation"] = op.kind
        prod.outputs[0] = dst_i
        drop.add(id(op))
    g.operators = [op for op in g.operators if id(op) not in drop]
    return g
