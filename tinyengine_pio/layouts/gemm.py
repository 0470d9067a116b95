"""GEMM operand layouts of the DSP kernels (kernels/dsp/gemm.c): packed weight rows and the
per-group requantization blocks `rq`.

Weights: rows in groups of PAIR_ROWS (the 2x4 / 2x2 / 2x1 GEMMs of CONV_2D) or QUAD_ROWS (the
4x1 GEMV of FULLY_CONNECTED); k and rows zero-padded to whole blocks of K_BLOCK k and groups.
Quads: per block one little-endian 32-bit word per row; SXTB16 / SXTB16 ROR 8 of a word line up
with the two words of a doubled int16 column block, (k0 k2) and (k1 k3). Pairs: per block the
word [r0k0 r1k0 r0k2 r1k2], then [r0k1 r1k1 r0k3 r1k3]: SXTB16 / SXTB16 ROR 8 of a word give
rows r0 / r1 for one column word, so that the 2x4 GEMM loads each column word once for both
rows (kernels/dsp/te_asm.h).

rq: per group of rows {2 * bias of each row (the bias itself where not doubled: kernels that
read int8 columns), then m, cc, e of each row}: group * (1 + RQ_ROW_WORDS) int32."""
from __future__ import annotations

import numpy as np

K_BLOCK = 4          # k per packed weight word (four int8 lanes)
PAIR_ROWS = 2        # rows per group of the 2x2 / 2x1 GEMMs
QUAD_ROWS = 4        # rows per group of the 4x1 GEMV
RQ_ROW_WORDS = 3     # m, cc, e per row after the group's biases


def rq_words(group: int) -> int:
    """int32 words of one group's rq block."""
    return group * (1 + RQ_ROW_WORDS)


def _padded(w2d: np.ndarray, group: int, dtype) -> np.ndarray:
    """[groups, group, blocks, 2 (k0 k1 | k2 k3), 2 (k0 | k1)]: w2d zero-padded."""
    rows, k = w2d.shape
    nblk = -(-k // K_BLOCK)
    padded = np.zeros((-(-rows // group) * group, nblk * K_BLOCK), dtype)
    padded[:rows, :k] = w2d
    return padded.reshape(-1, group, nblk, 2, 2)


def pack_rows(w2d: np.ndarray, group: int) -> np.ndarray:
    """Weights [rows, k] int8 as uint32 words in the layout above (pairs: per block and
    column word the two rows' bytes interleaved; quads: a word per row)."""
    blocks = _padded(w2d, group, np.int8)
    order = (0, 2, 4, 3, 1) if group == PAIR_ROWS else (0, 2, 1, 3, 4)
    return np.ascontiguousarray(blocks.transpose(order)).reshape(-1).view("<u4")


def pack_rows16(w2d: np.ndarray, group: int = QUAD_ROWS) -> np.ndarray:
    """Weights [rows, k] int8 as int16 pairs (w0 w2) (w1 w3) per block and row, the lanes of
    the doubled column block's two words: quads (te_gemm4x1_w16) a row's two words after the
    other, pairs (te_gemm2x4_w16 / te_gemm2x2_w16) (r0: w0 w2) (r1: w0 w2) (r0: w1 w3)
    (r1: w1 w3); k and rows zero-padded. Twice pack_rows' bytes."""
    blocks = _padded(w2d, group, np.int16)
    order = (0, 2, 4, 1, 3) if group == PAIR_ROWS else (0, 2, 1, 4, 3)
    return np.ascontiguousarray(blocks.transpose(order)).reshape(-1).view("<u4")


def pack_regs(w2d: np.ndarray, bias, fast) -> np.ndarray:
    """Records of te_conv_2d_1x1_regs (in_c 4, 8 or 12: the pixel in registers): per row
    {2 * bias, then per block of K_BLOCK k the doubled weights as int16 pairs (2 w0, 2 w2)
    (2 w1, 2 w3), then m, cc, e} as uint32 words; k zero-padded to whole blocks."""
    rows, k = w2d.shape
    nblk = -(-k // K_BLOCK)
    padded = np.zeros((rows, nblk * K_BLOCK), np.int16)
    padded[:, :k] = 2 * w2d.astype(np.int16)
    wts = padded.reshape(rows, nblk, 2, 2).transpose(0, 1, 3, 2).reshape(rows, -1)
    m, cc, e = (np.asarray(a, np.int64) for a in fast)
    head = (2 * np.asarray(bias, np.int64)).astype("<u4").reshape(rows, 1)
    tail = np.stack([m, cc, e], axis=-1).astype("<u4")
    words = np.ascontiguousarray(wts).view("<u4")
    return np.concatenate([head, words, tail], axis=1).reshape(-1)


def rq_blocks(bias, fast, group: int, doubled: bool = True) -> np.ndarray:
    """rq for `bias` per row and fast = (m, cc, e) per row, in the layout above."""
    m, cc, e = (np.asarray(a, np.int64) for a in fast)
    rows = len(bias)
    n = -(-rows // group) * group
    cols = [np.zeros(n, np.int64) for _ in range(1 + RQ_ROW_WORDS)]
    for dst, src in zip(cols, ((2 if doubled else 1) * np.asarray(bias, np.int64), m, cc, e)):
        dst[:rows] = src
    head = cols[0].reshape(-1, group)
    tail = np.stack(cols[1:], axis=-1).reshape(-1, group * RQ_ROW_WORDS)
    return np.concatenate([head, tail], axis=1).reshape(-1).astype(np.int32)
