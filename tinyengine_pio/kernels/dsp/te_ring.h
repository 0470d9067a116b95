/* Planar 3x3 rows of int16 (TE_FAST builds): the row loops of the depthwise ring / in-place
 * planar kernels (dsp/depthwise_conv_2d.c) and of the planar first-layer convolution
 * (dsp/conv_2d.c). A planar row holds one channel's input row as int16, its padding columns
 * the input zero point (whose share the folded bias removes). */
#ifndef TE_RING_H_
#define TE_RING_H_

#include "te_isa.h"

#ifndef TE_DW_RING_MAX_W
#define TE_DW_RING_MAX_W 128    /* outputs of a row of sums (depthwise_conv_2d.h) */
#endif

#if TE_FAST
/* Halfwords per planar row for out_w outputs at `stride` (layouts/depthwise.py ring_pitch). */
TE_INLINE int32_t te_dw_ring_pitch(int32_t out_w, int32_t stride) {
    const int32_t ow2 = (out_w + 1) & ~1;   /* output pairs read up to one halfword past */
    return ((ow2 - 1) * stride + 2 + 3) & ~1;
}

/* The row loops in asm, one function each (the asm takes all 14 registers: a small frame, no
 * frame pointer): stride 1 (TE_DW_RING_S1 in te_asm.h): inputs A = (x, x+1), B = (x+2, x+3)
 * of each row, out x = SMLAD(A, (w0 w1)) + SMLABT(B, (w1 w2)), out x+1 = SMLATB(A, (w0 w1)) +
 * SMLAD(B, (w1 w2)): 4 instructions a row, 21 for two outputs; stride 2 (TE_DW_RING_S2): 26.
 * `add`: the sums start from acc's, else from b2. */
#define TE_DW_RING_FN(NAME, LOOP)                                                         \
    static __attribute__((noinline, unused)) void NAME(                                   \
            const uint32_t *q0, const uint32_t *q1, const uint32_t *q2, const uint32_t *wk,  \
            int32_t b2, int32_t *acc, const int32_t *end, int32_t add) {                  \
        const uint32_t w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4];         \
        const uint32_t w5 = wk[5];                                                        \
        uint32_t A, B, C, t;                                                              \
        int32_t a0, a1;                                                                   \
        if (add) {                                                                        \
            LOOP("ldrd %[a0], %[a1], [%[acc]]\n\t");                                       \
        } else {                                                                          \
            LOOP("ldr %[a0], %[b2]\n\tmov %[a1], %[a0]\n\t");                              \
        }                                                                                 \
        (void)C;                                                                          \
        (void)t;                                                                          \
    }
TE_DW_RING_FN(te_dw_ring_s1, TE_DW_RING_S1)
TE_DW_RING_FN(te_dw_ring_s2, TE_DW_RING_S2)
#undef TE_DW_RING_FN

/* The doubled sums of one output row of a channel from its rows q0, q1, q2 into acc (out_w
 * rounded up to even), two outputs at a time, from b2 (or, `add`, added to acc's); wk: the
 * channel's taps, per kernel row the pairs (w0 w1) (w1 w2) (layouts/depthwise.py
 * ring_taps); stride_w 1 or 2. */
TE_INLINE void te_dw_ring_row(const uint32_t *q0, const uint32_t *q1, const uint32_t *q2,
                              int32_t stride, const uint32_t *wk, int32_t b2, int32_t *acc,
                              int32_t out_w, int32_t add) {
    int32_t *const end = acc + ((out_w + 1) & ~1);
    if (stride == 1) {
        te_dw_ring_s1(q0, q1, q2, wk, b2, acc, end, add);
    } else {
        te_dw_ring_s2(q0, q1, q2, wk, b2, acc, end, add);
    }
}

/* Scratch of `words` words filled with the input zero point in both halfwords. */
TE_INLINE void te_dw_fill_zp(int8_t *scratch, int32_t words, int32_t in_off) {
    const uint32_t zp2 = te_rep2(-in_off);
    int32_t i;
    for (i = 0; i < words; ++i) {
        ((uint32_t *)(void *)scratch)[i] = zp2;
    }
}

/* Requantize n doubled sums of a channel (q: its {2 * folded bias, m, cc, e}) into every
 * `step`-th byte from o. */
TE_INLINE void te_dw_ring_out(const int32_t *acc, int32_t n, const int32_t *q, int8_t *o,
                              int32_t step, int32_t clamp, int32_t lo, int32_t hi) {
    const int32_t m = q[1], cc = q[2], e = q[3];
    const int32_t *const end = acc + n, *const end2 = acc + (n & ~1);
    if (clamp == 0 && acc != end2) {        /* pairs in asm (TE_DW_RING_OUT2) */
        int32_t a, b, t;
        TE_DW_RING_OUT2();
    }
    for (; acc < end; ++acc, o += step) {
        *o = te_sat_fast(te_rq_fast(*acc, m, cc, e), clamp, lo, hi);
    }
}
#endif /* TE_FAST */

#endif /* TE_RING_H_ */
