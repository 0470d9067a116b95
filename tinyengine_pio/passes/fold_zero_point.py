"""Fold the input zero point into the bias: sum((x - zp) * w) + b == sum(x * w) + (b - zp * sum(w)).

Only where no tap falls into padding (a kernel that skips padded taps would then miss their
-zp * w share), or where the kernel fills padding with the zero point (CONV_2D's im2col):
FULLY_CONNECTED always, CONV_2D / DEPTHWISE_CONV_2D when unpadded or padding with zp.
The kernel then runs with in_off = 0, one add fewer per MAC.
"""
from __future__ import annotations

import numpy as np

from ..ir import Graph


def _unpadded(p: dict) -> bool:
    if p.get("pad_t", 0) or p.get("pad_l", 0):
        return False
    if "out_h" not in p:
        return True
    eff_h = (p["k_h"] - 1) * p["dil_h"] + 1
    eff_w = (p["k_w"] - 1) * p["dil_w"] + 1
    return ((p["out_h"] - 1) * p["stride_h"] + eff_h <= p["in_h"]
            and (p["out_w"] - 1) * p["stride_w"] + eff_w <= p["in_w"])


def fold_zero_point(g: Graph) -> Graph:
    for op in g.operators:
        p = op.params
        if op.kind not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED") or not p.get("in_off"):
            continue
        if not (_unpadded(p) or p.get("pads_with_zero_point")):
            continue
        w = g.t(op.inputs[1]).data.astype(np.int64)
        if op.kind == "DEPTHWISE_CONV_2D":
            wsum = w.reshape(-1, w.shape[-1]).sum(axis=0)          # [1,H,W,C] -> per channel
        else:
            wsum = w.reshape(w.shape[0], -1).sum(axis=1)            # [O, ...] -> per output
        new_bias = p["bias"].astype(np.int64) + p["in_off"] * wsum
        if np.all((new_bias >= -(1 << 31)) & (new_bias < (1 << 31))):
            p["unfolded"] = (p["bias"], p["in_off"])        # for a later demotion
            p["bias"] = new_bias.astype(np.int32)
            p["in_off"] = 0
            p["zero_point_folded"] = True
        elif p.get("pads_with_zero_point"):
            from ..ops.conv_2d import demote
            demote(p)
    return g
