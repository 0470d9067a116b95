"""A DEPTHWISE_CONV_2D over a single input channel (depth multiplier M) is a CONV_2D with M
output channels: same arithmetic and the same per-channel multipliers in TFLite, so it is
rewritten to use the convolution's im2col + GEMM kernel (person_detect's and micro_speech's
first layers). Weights [1, H, W, M] become [M, H, W, 1], quantized on dim 0."""
from __future__ import annotations

import copy

import numpy as np

from ..ir import Graph


def depthwise_as_conv(g: Graph) -> Graph:
    for op in g.operators:
        if op.kind != "DEPTHWISE_CONV_2D":
            continue
        inp, w = g.t(op.inputs[0]), g.t(op.inputs[1])
        if (len(inp.shape) != 4 or inp.shape[3] != 1 or not w.is_const or len(w.shape) != 4
                or w.dtype != "int8" or inp.dtype != "int8" or w.shape[3] < 2
                or op.options.get("depth_multiplier", w.shape[3]) not in (w.shape[3], 0)):
            continue
        nw = copy.copy(w)
        nw.index = len(g.tensors)
        nw.name = w.name + "/as_conv"
        nw.data = np.ascontiguousarray(np.transpose(w.data, (3, 1, 2, 0)))
        nw.shape = tuple(nw.data.shape)
        nw.quant_dim = 0
        g.tensors.append(nw)
        op.inputs = [op.inputs[0], nw.index] + op.inputs[2:]
        op.kind = "CONV_2D"
        op.options = {k: v for k, v in op.options.items() if k != "depth_multiplier"}
        op.fused.rewritten_from = "DEPTHWISE_CONV_2D"
    return g
