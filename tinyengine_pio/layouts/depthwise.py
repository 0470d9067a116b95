"""Operand layouts of the DSP / Helium depthwise kernels (kernels/dsp/depthwise_conv_2d.c),
depth multiplier 1, and the channel group of the in-place kernel.

Taps `wx`: per group of LANES channels, per tap TAP_WORDS uint32: the doubled taps as int16
pairs, channels (0, 2) then (1, 3) (SMLABB / SMLATT against SXTB16 and SXTB16 ROR 8 of four
input bytes; the Helium kernel reads them as int16 lanes in that order).
rq: per group RQ_FIELDS vectors of LANES int32 (RQ_WORDS): {2 * folded bias, m, cc, e,
2 * bias}, the folded bias including in_off * sum of the channel's taps (interior pixels), the
plain one for border pixels (which add the input offset to each tap inside).
GROUP: channels per group of the in-place kernel's scratch copy (portable and DSP).
The row-ring DSP kernel (3x3, te_depthwise_conv_2d_ring_dsp): per channel of the whole groups
ring_taps (RING_TAP_WORDS words) and ring_rq (four int32), and ring_bytes of scratch. The FIR DSP kernel
(one-dimensional maps, te_depthwise_conv_2d_fir_dsp): per channel fir_taps and ring_rq, and
fir_bytes of scratch."""
from __future__ import annotations

import numpy as np

LANES = 4            # channels per fast group (four int8 lanes of a word)
TAP_WORDS = 2        # uint32 per tap and group: channels (0, 2), (1, 3)
RQ_FIELDS = 5        # 2 * folded bias, m, cc, e, 2 * bias
RQ_WORDS = RQ_FIELDS * LANES
GROUP = 4            # in-place: channels copied to the scratch at a time
RING_TAP_WORDS = 6   # uint32 per channel of the planar kernels' taps (two per kernel row)


def dw_taps(taps: np.ndarray) -> np.ndarray:
    """wx (uint32) from taps [k_h * k_w, c] for the c // LANES whole groups."""
    g = taps.shape[1] // LANES
    w2 = (2 * np.asarray(taps, np.int64)[:, :LANES * g]).reshape(-1, g, LANES).transpose(1, 0, 2)
    w2 = w2 & 0xFFFF                                                  # [g, tap, 4]
    wx = np.stack([w2[..., 0] | (w2[..., 2] << 16), w2[..., 1] | (w2[..., 3] << 16)], axis=-1)
    return wx.astype(np.uint32)


def dw_rq(full, m, cc, e, bias) -> np.ndarray:
    """rq (int32) from per-channel folded bias, m, cc, e and bias, whole groups only."""
    g = len(full) // LANES
    rq = np.stack([2 * np.asarray(full, np.int64), m, cc, e,
                   2 * np.asarray(bias, np.int64)])[:, :LANES * g]
    return rq.reshape(RQ_FIELDS, g, LANES).transpose(1, 0, 2).astype(np.int32)


RING_MAX_W = 128     # TE_DW_RING_MAX_W (kernels/depthwise_conv_2d.h): one row of sums on the stack


def ring_pitch(out_w: int, stride: int) -> int:
    """Halfwords per planar row of the ring (te_dw_ring_pitch): output pairs read up to one
    halfword past the 3-wide window; even, so rows stay word-aligned."""
    ow2 = (out_w + 1) & ~1
    return ((ow2 - 1) * stride + 5) & ~1


def ring_bytes(c: int, out_w: int, stride: int) -> int:
    """Scratch of the ring: three input rows of the c // LANES groups' channels, int16."""
    return 3 * (c // LANES * LANES) * ring_pitch(out_w, stride) * 2


def ring_taps(taps: np.ndarray, whole_groups: bool = True) -> np.ndarray:
    """wr (uint32) from 3x3 taps [9, c]: per channel of the whole groups (else of every
    channel: the planar first-layer convolution's [out_c * in_c]), the doubled taps of each
    kernel row r as two int16 pairs (w_r0 w_r1) (w_r1 w_r2), the first of a pair low
    (RING_TAP_WORDS words: an output at x takes SMLAD of the first with inputs (x, x+1), its
    neighbour at x + 1 SMLAD of the second with (x+2, x+3))."""
    c4 = taps.shape[1] // LANES * LANES if whole_groups else taps.shape[1]
    t = (2 * np.asarray(taps, np.int64)[:, :c4]).reshape(3, 3, c4) & 0xFFFF
    pairs = [(t[r, a], t[r, a + 1]) for r in range(3) for a in (0, 1)]
    return np.stack([lo | (hi << 16) for lo, hi in pairs], axis=1).astype(np.uint32)


def ring_rq(full, m, cc, e, whole_groups: bool = True) -> np.ndarray:
    """rr (int32): per channel of the whole groups (else of every channel: the FIR kernel)
    {2 * folded bias, m, cc, e}."""
    c4 = len(full) // LANES * LANES if whole_groups else len(full)
    return np.stack([2 * np.asarray(full, np.int64), m, cc, e], axis=1)[:c4].astype(np.int32)


def inplace_transposed(out_h: int, out_w: int) -> bool:
    """The in-place planar kernel's plane rows run along the output's longer side."""
    return out_h > out_w


def inplace_plane_bytes(out_h: int, out_w: int) -> int:
    """Scratch of the in-place planar kernel (te_depthwise_conv_2d_inplace_planar_dsp): one
    channel's padded plane, int16, rows along the longer side."""
    rows, length = (out_w, out_h) if inplace_transposed(out_h, out_w) else (out_h, out_w)
    return (rows + 2) * ring_pitch(length, 1) * 2


def fir_taps(taps: np.ndarray) -> np.ndarray:
    """wf (uint32) from taps [k, c]: per channel ceil(k / 2) words, the doubled taps as int16
    pairs (w0 w1) (w2 w3) .., the first of a pair low, 0 past the last tap."""
    k, c = taps.shape
    t = np.zeros((k + k % 2, c), np.int64)
    t[:k] = 2 * np.asarray(taps, np.int64)
    t &= 0xFFFF
    return (t[0::2] | (t[1::2] << 16)).T.astype(np.uint32)


def fir_pitch(len_out: int, k: int, stride: int, dil: int) -> int:
    """Halfwords per int16 row of the FIR kernel (te_dw_fir_pitch): the span of the taps over
    all outputs and one halfword past it (an odd k's last pair), even."""
    return ((len_out - 1) * stride + dil * (k - 1) + 3) & ~1


def fir_bytes(len_out: int, k: int, stride: int, dil: int) -> int:
    """Scratch of the FIR kernel: one int16 row."""
    return fir_pitch(len_out, k, stride, dil) * 2
