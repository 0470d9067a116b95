"""The packed operand layouts (tinyengine_pio/layouts/): the committed C header matches its
generator, and the packers put each value where the kernels' constants say."""
from __future__ import annotations

import re

import numpy as np

from tinyengine_pio import layouts
from tinyengine_pio.layouts import depthwise, gemm, header, mve


def test_committed_header_is_regenerated_text():
    assert header.header_path().read_text() == layouts.header_text(), \
        "kernels/te_layouts.h is stale: run python -m tinyengine_pio.layouts"


def test_header_text_is_stable_and_lists_every_constant():
    text = layouts.header_text()
    assert text == layouts.header_text()
    for name, value, _ in layouts.CONSTANTS:
        assert re.search(rf"^#define {name} +{value} ", text, re.M), name


def test_pack_rows_quad_word_holds_four_k_of_one_row():
    w = np.arange(5 * 7, dtype=np.int64).reshape(5, 7).astype(np.int8)
    group = gemm.QUAD_ROWS
    words = gemm.pack_rows(w, group)
    nblk = -(-7 // gemm.K_BLOCK)
    assert words.size == -(-5 // group) * group * nblk
    b = words.view(np.int8).reshape(-1, nblk, group, gemm.K_BLOCK)
    assert list(b[0, 1, 1, :3]) == list(w[1, 4:7]) and b[0, 1, 1, 3] == 0


def test_pack_rows_pair_words_interleave_the_rows_per_lane_pair():
    """Per block the words [r0k0 r1k0 r0k2 r1k2] [r0k1 r1k1 r0k3 r1k3]: SXTB16 of a word is row
    r0's (k0 k2) / (k1 k3) pair, SXTB16 ROR 8 row r1's (te_asm.h TE_MAC2X4_W)."""
    w = np.arange(5 * 7, dtype=np.int64).reshape(5, 7).astype(np.int8)
    words = gemm.pack_rows(w, gemm.PAIR_ROWS)
    nblk = -(-7 // gemm.K_BLOCK)
    assert words.size == 3 * 2 * nblk
    b = words.view(np.int8).reshape(3, nblk, 2, 4)      # pair, block, word, byte
    assert list(b[0, 0, 0]) == [w[0, 0], w[1, 0], w[0, 2], w[1, 2]]
    assert list(b[0, 1, 1]) == [w[0, 5], w[1, 5], 0, 0]        # k7 past the rows' end
    assert list(b[2, 0, 0]) == [w[4, 0], 0, w[4, 2], 0]        # the padded row is zero


def test_pack_rows16_block_is_two_words_per_row_in_sxtb16_order():
    w = (np.arange(5 * 7, dtype=np.int64).reshape(5, 7) - 17).astype(np.int8)
    nblk = -(-7 // gemm.K_BLOCK)
    for group in (gemm.PAIR_ROWS, gemm.QUAD_ROWS):
        words = gemm.pack_rows16(w, group)
        assert words.nbytes == 2 * gemm.pack_rows(w, group).nbytes
    # quads: group, block, row, word, lane; row 1, block 1 (k 4..7): (k4 k6) (k5 k7), k7 = 0
    h = gemm.pack_rows16(w, gemm.QUAD_ROWS).view("<i2").reshape(-1, nblk, 4, 2, 2)
    assert [list(x) for x in h[0, 1, 1]] == [[w[1, 4], w[1, 6]], [w[1, 5], 0]]
    assert (h[-1, :, 5 - (len(h) - 1) * 4:] == 0).all()   # padded rows are zero
    # pairs: pair, block, word, row, lane: (r0: k4 k6) (r1: k4 k6) (r0: k5 k7) (r1: k5 k7)
    h = gemm.pack_rows16(w, gemm.PAIR_ROWS).view("<i2").reshape(-1, nblk, 2, 2, 2)
    assert [list(x) for x in h[0, 1, 0]] == [[w[0, 4], w[0, 6]], [w[1, 4], w[1, 6]]]
    assert [list(x) for x in h[0, 1, 1]] == [[w[0, 5], 0], [w[1, 5], 0]]
    assert (h[2, :, :, 1] == 0).all()                      # the padded row


def test_pack_regs_record_per_row():
    w = np.array([[1, 2, 3, 4, 5], [-1, -2, -3, -4, -128]], np.int8)
    rec = gemm.pack_regs(w, [10, -20], ([100, 200], [300, 400], [5, 6])).view("<i4")
    assert rec.size == 2 * (1 + 2 * 2 + 3)
    row = rec.reshape(2, -1)
    assert list(row[1, [0, 5, 6, 7]]) == [-40, 200, 400, 6]
    lanes = row[:, 1:5].copy().view("<i2").reshape(2, 2, 2, 2)    # row, block, word, lane
    assert [list(x) for x in lanes[0, 0]] == [[2, 6], [4, 8]]      # doubled, SXTB16 order
    assert [list(x) for x in lanes[1, 1]] == [[-256, 0], [0, 0]]   # k 4, then zero padding


def test_rq_blocks_group_is_biases_then_m_cc_e():
    rq = gemm.rq_blocks([1, 2, 3], ([10, 20, 30], [11, 21, 31], [12, 22, 32]), gemm.PAIR_ROWS)
    assert rq.size == 2 * gemm.rq_words(gemm.PAIR_ROWS)
    assert list(rq[:8]) == [2, 4, 10, 11, 12, 20, 21, 22]
    assert list(rq[8:]) == [6, 0, 30, 31, 32, 0, 0, 0]


def test_mve_layouts():
    w = np.ones((5, 20), np.int8)
    assert mve.mve_rows(w).size == 8 * 32
    rq = mve.mve_rq(np.arange(5), np.arange(5), np.arange(5), np.arange(5))
    assert rq.size == 2 * mve.RQ_WORDS and list(rq[12:16]) == [0, -1, -2, -3]


def test_depthwise_layouts():
    taps = np.array([[1, 2, 3, 4, 5], [-1, -2, -3, -4, -5]], np.int64)
    wx = depthwise.dw_taps(taps)
    assert wx.shape == (1, 2, depthwise.TAP_WORDS)
    assert wx[0, 0, 0] == 2 | (6 << 16) and wx[0, 1, 1] == (-4 & 0xFFFF) | ((-8 & 0xFFFF) << 16)
    rq = depthwise.dw_rq(np.arange(5), np.ones(5), np.ones(5), np.ones(5), np.arange(5))
    assert rq.size == depthwise.RQ_WORDS
