"""Planar first layers: a 3x3 CONV_2D with one to three input channels (a model's first layer
on an image or a spectrogram) run, in TE_FAST builds without Helium, as in_c depthwise-style
passes per output channel over int16 rows of the input (kernels/dsp/conv_2d.c
te_conv_2d_planar_dsp, the depthwise ring's row loop: two outputs per pair of input
halfwords, SMLAD on pairs of taps). The Helium and portable builds of the same plan run the
im2col kernels (the option's scratch covers theirs). Measured on the M4 against the padded
rows (te_conv_2d_rows_fast, now the fallbacks), instructions/MAC: vww's 3x3x3 into 8 at
stride 2 2.51 -> 2.09, person_detect's 3x3x1 into 8 at stride 2 4.47 -> 2.74."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, MemoryOption, Operator
from ..layouts.depthwise import RING_MAX_W, ring_pitch, ring_rq, ring_taps

PLANAR_IN_C = (1, 2, 3)


def planar_applies(g: Graph, op: Operator) -> bool:
    """3x3, dilation 1, stride_w 1 or 2, in_c 1-3, one batch, the fast constants (speed
    builds, exact requantization), rows of at most RING_MAX_W outputs, not inside a fused
    stage (whose row slices have their own line buffers)."""
    p = op.params
    return (p.algorithm == "im2col" and p.fast is not None and p.in_c in PLANAR_IN_C
            and p.batches == 1 and (p.k_h, p.k_w, p.dil_h, p.dil_w) == (3, 3, 1, 1)
            and p.stride_w in (1, 2) and p.out_w <= RING_MAX_W and not g.in_stage(op))


def planar_bytes(p) -> int:
    """te_conv_2d_planar_dsp's scratch: three input rows of in_c planar int16 rows."""
    return 3 * p.in_c * ring_pitch(p.out_w, p.stride_w) * 2


def planar_option(p, im2col_scratch: int) -> MemoryOption:
    """The planar variant; its scratch also holds what the im2col kernels of the other
    builds (Helium, portable) need."""
    return MemoryOption("planar", max(planar_bytes(p), im2col_scratch))


def planar_operands(ctx, op: Operator) -> tuple[str, str]:
    """(wr, rr) of te_conv_2d_planar_dsp, emitted for DSP builds without Helium: per output
    channel and input channel the tap pairs of layouts/depthwise.py ring_taps, per output
    channel {2 * folded bias, m, cc, e} (ring_rq)."""
    p = op.params
    bias, m, cc, e = p.fast
    w = ctx.g.t(op.inputs[1]).data.astype(np.int64)              # [out_c, 3, 3, in_c]
    taps = w.transpose(1, 2, 0, 3).reshape(9, -1)                # [tap, out_c * in_c]
    cond = "TE_FAST && !TE_MVE"
    return (ctx.cond_const(ring_taps(taps, whole_groups=False), "uint32_t", f"wr{op.index}",
                           cond),
            ctx.cond_const(ring_rq(bias, m, cc, e, whole_groups=False), "int32_t",
                           f"rr{op.index}", cond))
