/* The pair GEMM shared by CONV_2D (pointwise and im2col paths) and FULLY_CONNECTED:
 * two columns (a, b; b may be NULL) times all output rows, two rows at a time (CMSIS-NN's
 * mat_mult shape). With the DSP extension four int8 values are widened with SXTB16 (and its
 * ROR 8 form) and multiplied pairwise with SMLAD; otherwise plain C, same results. */
#include "gemm.h"
#include "te_common.h"

static int32_t te_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t acc) {
    int32_t k;
    for (k = 0; k < n; ++k) {
        acc += x[k] * w[k];
    }
    return acc;
}

#define TE_GEMM_OUT(acc, i) te_out8((acc), mult[i], shift[i], out_off, act_min, act_max)

/* Two columns (pixels a, b; b may be NULL) times all output channels, two channels at a time. */
void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
                         const int32_t *bias, int8_t *oa, int8_t *ob, int32_t out_c,
                         int32_t out_off, const int32_t *mult, const int32_t *shift,
                         int32_t act_min, int32_t act_max) {
    int32_t oc;
    for (oc = 0; oc < out_c; oc += 2) {
        const int8_t *w0 = w + oc * k_len;
        const int8_t *w1 = w0 + k_len;
        const int two_c = oc + 1 < out_c;
        int32_t a0 = bias[oc], a1 = two_c ? bias[oc + 1] : 0, b0 = a0, b1 = a1;
        int32_t k = 0;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
        if (b != 0 && two_c) {
            for (; k + 4 <= k_len; k += 4) {
                const uint32_t va = te_ld32(a + k), vb = te_ld32(b + k);
                const uint32_t v0 = te_ld32(w0 + k), v1 = te_ld32(w1 + k);
                TE_DOT4(a0, va, v0);
                TE_DOT4(a1, va, v1);
                TE_DOT4(b0, vb, v0);
                TE_DOT4(b1, vb, v1);
            }
        } else if (two_c) {            /* one column (FULLY_CONNECTED, odd last pixel) */
            for (; k + 4 <= k_len; k += 4) {
                const uint32_t va = te_ld32(a + k);
                TE_DOT4(a0, va, te_ld32(w0 + k));
                TE_DOT4(a1, va, te_ld32(w1 + k));
            }
        }
#endif
        a0 = te_dot_s8(a + k, w0 + k, k_len - k, a0);
        oa[oc] = TE_GEMM_OUT(a0, oc);
        if (two_c) {
            a1 = te_dot_s8(a + k, w1 + k, k_len - k, a1);
            oa[oc + 1] = TE_GEMM_OUT(a1, oc + 1);
        }
        if (b != 0) {
            b0 = te_dot_s8(b + k, w0 + k, k_len - k, b0);
            ob[oc] = TE_GEMM_OUT(b0, oc);
            if (two_c) {
                b1 = te_dot_s8(b + k, w1 + k, k_len - k, b1);
                ob[oc + 1] = TE_GEMM_OUT(b1, oc + 1);
            }
        }
    }
}


#if TE_FAST
/* ---- TE_FAST: host-packed weights, int16 columns, SMMLAR requantization -------------------
 * Columns are widened once per pixel pair to doubled int16 (2x fits int16), four k at a time
 * in SXTB16 order: word 0 = (x0, x2), word 1 = (x1, x3). Two columns a, b interleave per
 * block of four k: a0 a1 b0 b1 (16 bytes). The weights are packed by the compiler in groups of
 * rows (2 for the pair GEMM, 4 for the column GEMM), per block of four k one 32-bit word per
 * row, zero-padded to whole blocks and groups; SXTB16 / SXTB16 ROR 8 of a word then line up
 * with the two column words, and SMLAD accumulates 2 * acc directly. */

TE_INLINE uint32_t te_dbl16(uint32_t v) {   /* both int16 lanes doubled */
    return __sadd16(v, v);
}

void te_widen_s8(const int8_t *src, int32_t n, uint32_t *dst, int32_t step) {
    int32_t i;
    for (i = 0; i + 4 <= n; i += 4) {
        const uint32_t v = te_ld32(src + i);
        dst[0] = te_dbl16(__sxtb16(v));
        dst[1] = te_dbl16(te_sxtb16_ror8(v));
        dst += step;
    }
    if (i < n) {                            /* zero-padded last block */
        uint32_t v = 0;
        int32_t j;
        for (j = 0; i + j < n; ++j) {
            v |= (uint32_t)(uint8_t)src[i + j] << (8 * j);
        }
        dst[0] = te_dbl16(__sxtb16(v));
        dst[1] = te_dbl16(te_sxtb16_ror8(v));
    }
}

void te_fill_s16(uint32_t *dst, int32_t nblk, int32_t value, int32_t step) {
    const uint32_t v = ((uint32_t)(uint16_t)(2 * value) << 16) | (uint16_t)(2 * value);
    int32_t i;
    for (i = 0; i < nblk; ++i) {
        dst[0] = v;
        dst[1] = v;
        dst += step;
    }
}

/* One 2x2 block of four k (16 MACs): rows r0/r1 of the packed pair, columns a/b. */
#define TE_MAC2X2_BLOCK                                                                   \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                                                  \
    "sxtb16 %[t0], %[w0]\n\t"                                                             \
    "sxtb16 %[w0], %[w0], ror #8\n\t"                                                     \
    "sxtb16 %[t1], %[w1]\n\t"                                                             \
    "sxtb16 %[w1], %[w1], ror #8\n\t"                                                     \
    "ldrd %[x0], %[x1], [%[xp], #8]\n\t"                                                  \
    "smlad %[b0], %[t0], %[x0], %[b0]\n\t"                                                \
    "smlad %[b0], %[w0], %[x1], %[b0]\n\t"                                                \
    "smlad %[b1], %[t1], %[x0], %[b1]\n\t"                                                \
    "smlad %[b1], %[w1], %[x1], %[b1]\n\t"                                                \
    "ldrd %[x0], %[x1], [%[xp]], #16\n\t"                                                 \
    "smlad %[a0], %[t0], %[x0], %[a0]\n\t"                                                \
    "smlad %[a0], %[w0], %[x1], %[a0]\n\t"                                                \
    "smlad %[a1], %[t1], %[x0], %[a1]\n\t"                                                \
    "smlad %[a1], %[w1], %[x1], %[a1]\n\t"

/* The same from int8 columns interleaved per block (a 4 bytes, b 4 bytes): 19 instructions,
 * sums not doubled (the lean variant, no int16 buffer); TE_MAC2X2_S8_AT in gemm.h. */
#define TE_MAC2X2_S8_BLOCK TE_MAC2X2_S8_AT("[%[xp], #4]", "[%[xp]], #8")

/* acc2 of rows r, r+1 x columns a, b over nblk blocks: 16 instructions per 16 MACs */
#define TE_GEMM2X2_LOOP(xp, wp, nblk, BLOCK, LOG2_STEP)                                  \
    do {                                                                                  \
        int32_t end_ = (nblk);                                                            \
        uint32_t w0_, w1_, t0_, t1_, x0_, x1_;                                            \
        __asm__ volatile(                                                                 \
            "tst %[end], #1\n\t"   /* odd block count: enter the unrolled pair midway */    \
            "add %[end], %[xp], %[end], lsl #" LOG2_STEP "\n\t"                            \
            "bne 1f\n\t"                                                                  \
            "0:\n\t" BLOCK "1:\n\t" BLOCK                                                 \
            "cmp %[xp], %[end]\n\t"                                                       \
            "bne 0b\n\t"                                                                  \
            : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [xp] "+r"(xp),   \
              [wp] "+r"(wp), [end] "+r"(end_), [w0] "=&r"(w0_), [w1] "=&r"(w1_),           \
              [t0] "=&r"(t0_), [t1] "=&r"(t1_), [x0] "=&r"(x0_), [x1] "=&r"(x1_)           \
            :                                                                             \
            : "cc", "memory");                                                            \
    } while (0)

/* s8: int8 columns (bias halved in, sums doubled out), else doubled int16 columns. */
#define TE_GEMM2X2_RUN(xp, wp, nblk, s8)                                                  \
    do {                                                                                  \
        if (s8) {                                                                         \
            a0 >>= 1;                                                                     \
            a1 >>= 1;                                                                     \
            b0 = a0;                                                                      \
            b1 = a1;                                                                      \
            TE_GEMM2X2_LOOP(xp, wp, nblk, TE_MAC2X2_S8_BLOCK, "3");                       \
            a0 *= 2;                                                                      \
            a1 *= 2;                                                                      \
            b0 *= 2;                                                                      \
            b1 *= 2;                                                                      \
        } else {                                                                          \
            TE_GEMM2X2_LOOP(xp, wp, nblk, TE_MAC2X2_BLOCK, "4");                          \
        }                                                                                 \
    } while (0)

TE_INLINE void te_gemm2x2_body(const void *cols, int32_t nblk, const uint32_t *wp,
                               const int32_t *rq, int8_t *oa, int8_t *ob, int32_t out_c,
                               int32_t s8, int32_t clamp, int32_t lo, int32_t hi) {
    int8_t *const oa_end = oa + (out_c & ~1);
    const uint32_t bounds[2] = {te_rep4(lo), te_rep4(hi)};
    while (oa != oa_end) {
        int32_t a0 = rq[0], a1 = rq[1], b0 = a0, b1 = a1;
        const uint8_t *xp = (const uint8_t *)cols;
        TE_GEMM2X2_RUN(xp, wp, nblk, s8);
        te_rq2x2_store(a0, a1, b0, b1, rq + 2, oa, ob, clamp, bounds);
        oa += 2;
        ob += 2;
        rq += 8;
    }
    if (out_c & 1) {                        /* last row: its pair partner is all zeros */
        int32_t a0 = rq[0], a1 = 0, b0 = a0, b1 = 0;
        const uint8_t *xp = (const uint8_t *)cols;
        TE_GEMM2X2_RUN(xp, wp, nblk, s8);
        oa[0] = te_sat_fast(te_rq_fast(a0, rq[2], rq[3], rq[4]), clamp, lo, hi);
        ob[0] = te_sat_fast(te_rq_fast(b0, rq[2], rq[3], rq[4]), clamp, lo, hi);
        (void)a1;
        (void)b1;
    }
}

/* oa/ob[r] = requant(rows r x columns a/b) for r < out_c; a lone column passes ob == oa and
 * a copy of a as b. rq: per row pair {2 bias0, 2 bias1, m0, cc0, e0, m1, cc1, e1}. */
void te_gemm2x2_fast(const uint32_t *cols, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo, int32_t hi) {
#define TE_CALL(clamp) te_gemm2x2_body(cols, nblk, wp, rq, oa, ob, out_c, 0, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* The same from two int8 columns interleaved per block of four k (8 * nblk bytes). */
void te_gemm2x2_s8_fast(const int8_t *cols, int32_t nblk, const uint32_t *wp,
                        const int32_t *rq, int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo,
                        int32_t hi) {
#define TE_CALL(clamp) te_gemm2x2_body(cols, nblk, wp, rq, oa, ob, out_c, 1, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* One 4x1 block of four k (16 MACs): the column's four k as int16 pairs (x0, x1), then the
 * quad's four weight words in one LDM (w0..w3 are pinned to ascending registers), each split
 * by SXTB16 / SXTB16 ROR 8 and multiplied pairwise: 18 instructions from int16 columns, 20
 * from int8 (XLOAD widens the word itself); every one 32-bit. */
#define TE_X16_LOAD "ldrd %[x0], %[x1], [%[xp]], #8\n\t"
#define TE_X8_LOAD                                                                        \
    "ldr %[x1], [%[xp]], #4\n\t"                                                          \
    "sxtb16 %[x0], %[x1]\n\t"                                                             \
    "sxtb16 %[x1], %[x1], ror #8\n\t"
#define TE_MAC4X1_ROW(w, acc)                                                             \
    "sxtb16 %[t], %[" w "]\n\t"                                                           \
    "sxtb16 %[" w "], %[" w "], ror #8\n\t"                                                \
    "smlad %[" acc "], %[t], %[x0], %[" acc "]\n\t"                                        \
    "smlad %[" acc "], %[" w "], %[x1], %[" acc "]\n\t"
#define TE_MAC4X1_BLOCK(XLOAD)                                                            \
    XLOAD "ldm.w %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" TE_MAC4X1_ROW("w0", "a0")      \
    TE_MAC4X1_ROW("w1", "a1") TE_MAC4X1_ROW("w2", "a2") TE_MAC4X1_ROW("w3", "a3")
#define TE_RQ4_ROW(A)                                                                     \
    TE_RQ_LDM("%[xp]", "%[w0]", "%[w1]", "%[w2]")                                         \
    TE_RQ_SAT("%[w0]", "%[w0]", "%[w1]", "%[w2]", "%[" A "]", "%[" A "]")
#define TE_DOUBLE4                                                                        \
    "add %[a0], %[a0], %[a0]\n\tadd %[a1], %[a1], %[a1]\n\t"                              \
    "add %[a2], %[a2], %[a2]\n\tadd %[a3], %[a3], %[a3]\n\t"

/* All of FULLY_CONNECTED's quads in one asm loop, its state in memory (the MACs take every
 * register but sp and pc). Per quad: the four biases; eight blocks a turn, TBH entering the
 * first turn nblk % 8 blocks from its end, the column's end in lr; then (sums DOUBLEd for int8
 * x) requantized, packed into one word (BFI), clamped to [lo, hi] in all four bytes at once
 * (SSUB8 / SEL against the bounds repeated in every byte) and stored with one STR. */
#define TE_GEMV4_QUADS(XLOAD, DOUBLE)                                                     \
    __asm__ volatile(                                                                     \
        "8:\n\t"                                                                          \
        "ldr %[t], %[rq]\n\t"                                                             \
        "ldrd %[a0], %[a1], [%[t]], #8\n\t"                                               \
        "ldrd %[a2], %[a3], [%[t]], #8\n\t"                                               \
        "str %[t], %[rq]\n\t"                                                             \
        "ldr %[xp], %[col]\n\t"                                                           \
        "ldr lr, %[end]\n\t"                                                              \
        "ldr %[t], %[nblk]\n\t"                                                           \
        "and %[t], %[t], #7\n\t"                                                          \
        "tbh [pc, %[t], lsl #1]\n\t"                                                      \
        "9:\n\t"                                                                          \
        ".hword (0f-9b)/2, (7f-9b)/2, (6f-9b)/2, (5f-9b)/2\n\t"                           \
        ".hword (4f-9b)/2, (3f-9b)/2, (2f-9b)/2, (1f-9b)/2\n\t"                           \
        "0:\n\t" TE_MAC4X1_BLOCK(XLOAD) "1:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "2:\n\t" TE_MAC4X1_BLOCK(XLOAD) "3:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "4:\n\t" TE_MAC4X1_BLOCK(XLOAD) "5:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "6:\n\t" TE_MAC4X1_BLOCK(XLOAD) "7:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "cmp %[xp], lr\n\t"                                                               \
        "bne.w 0b\n\t" DOUBLE                                                             \
        "ldr %[xp], %[rq]\n\t"                                                            \
        TE_RQ4_ROW("a0") TE_RQ4_ROW("a1") TE_RQ4_ROW("a2") TE_RQ4_ROW("a3")               \
        "str %[xp], %[rq]\n\t"                                                            \
        "bfi %[a0], %[a1], #8, #8\n\t"                                                    \
        "bfi %[a0], %[a2], #16, #8\n\t"                                                   \
        "bfi %[a0], %[a3], #24, #8\n\t"                                                   \
        "ldrd %[x0], %[x1], %[bounds]\n\t"                                                \
        TE_CLAMP_LO("%[a0]", "%[x0]", "%[t]") TE_CLAMP_HI("%[a0]", "%[x1]", "%[t]")         \
        "ldr %[t], %[out]\n\t"                                                            \
        "str %[a0], [%[t]], #4\n\t"                                                       \
        "str %[t], %[out]\n\t"                                                            \
        "ldr %[t], %[quads]\n\t"                                                          \
        "subs %[t], %[t], #1\n\t"                                                         \
        "str %[t], %[quads]\n\t"                                                          \
        "bne.w 8b\n\t"                                                                    \
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xp] "=&r"(xp), \
          [wp] "+r"(wp), [t] "=&r"(t), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2),     \
          [w3] "=&r"(w3), [x0] "=&r"(x0), [x1] "=&r"(x1), [rq] "+m"(rq), [out] "+m"(o),      \
          [quads] "+m"(quads)                                                             \
        : [col] "m"(col), [end] "m"(end), [nblk] "m"(nblk), [bounds] "m"(bounds)          \
        : "cc", "memory", "lr")

/* s8: x is int8 (rq holds the biases undoubled, the sums are doubled before requantizing),
 * else the doubled int16 column. A last, partial quad is stored to a scratch word first. */
TE_INLINE void te_gemv4_body(const void *col, int32_t nblk, const uint32_t *wp,
                             const int32_t *rq, int8_t *out, int32_t units, int32_t s8,
                             int32_t lo, int32_t hi) {
    const uint8_t *const end = (const uint8_t *)col + (nblk << (s8 ? 2 : 3));
    uint32_t bounds[2] = {te_rep4(lo), te_rep4(hi)};
    int32_t quads = units >> 2, rest = units & 3, i;
    int8_t *o = out, last[4];
    register uint32_t w0 __asm__("r8");
    register uint32_t w1 __asm__("r9");
    register uint32_t w2 __asm__("r10");
    register uint32_t w3 __asm__("r11");
    int32_t a0, a1, a2, a3;
    uint32_t t, x0, x1;
    const uint8_t *xp;
#define TE_RUN()                                                                          \
    do {                                                                                  \
        if (s8) {                                                                         \
            TE_GEMV4_QUADS(TE_X8_LOAD, TE_DOUBLE4);                                       \
        } else {                                                                          \
            TE_GEMV4_QUADS(TE_X16_LOAD, "");                                              \
        }                                                                                 \
    } while (0)
    if (quads > 0) {
        TE_RUN();
    }
    if (rest != 0) {
        quads = 1;
        o = last;
        TE_RUN();
        for (i = 0; i < rest; ++i) {
            out[(units & ~3) + i] = last[i];
        }
    }
#undef TE_RUN
}

/* out[r] = requant(row r . col) for r < units (FULLY_CONNECTED, one batch row): rows packed in
 * quads, rq per quad {2 bias0..3, then m, cc, e for each of the four rows}. */
void te_gemv4_fast(const uint32_t *col, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                   int8_t *out, int32_t units, int32_t lo, int32_t hi) {
    te_gemv4_body(col, nblk, wp, rq, out, units, 0, lo, hi);
}

/* The same straight from int8 x (no column buffer): x is read in whole words, up to 3 bytes
 * past its k elements, which meet zero-padded weights. */
void te_gemv4_s8_fast(const int8_t *x, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                      int8_t *out, int32_t units, int32_t lo, int32_t hi) {
    te_gemv4_body(x, nblk, wp, rq, out, units, 1, lo, hi);
}

/* One 2x1 block of four k (8 MACs) straight from int8 x: the lean variant, no column buffer. */
#define TE_MAC2X1_BLOCK                                                                   \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                                                  \
    "ldr %[x1], [%[xp]], #4\n\t"                                                          \
    "sxtb16 %[x0], %[x1]\n\t"                                                             \
    "sxtb16 %[x1], %[x1], ror #8\n\t"                                                     \
    "sxtb16 %[t], %[w0]\n\t"                                                              \
    "smlad %[a0], %[t], %[x0], %[a0]\n\t"                                                 \
    "sxtb16 %[w0], %[w0], ror #8\n\t"                                                     \
    "smlad %[a0], %[w0], %[x1], %[a0]\n\t"                                                \
    "sxtb16 %[t], %[w1]\n\t"                                                              \
    "smlad %[a1], %[t], %[x0], %[a1]\n\t"                                                 \
    "sxtb16 %[w1], %[w1], ror #8\n\t"                                                     \
    "smlad %[a1], %[w1], %[x1], %[a1]\n\t"

TE_INLINE void te_gemm2x1_body(const int8_t *x, int32_t nblk, const uint32_t *wp,
                               const int32_t *rq, int8_t *out, int32_t out_c, int32_t clamp,
                               int32_t lo, int32_t hi) {
    int32_t oc;
    for (oc = 0; oc < out_c; oc += 2, rq += 8) {
        int32_t a0 = rq[0] >> 1, a1 = rq[1] >> 1;   /* bias: x is not doubled here */
        const int8_t *xp = x;
        int32_t end = nblk;
        uint32_t w0, w1, t, x0, x1;
        __asm__ volatile(
            "add %[end], %[xp], %[end], lsl #2\n\t"
            "0:\n\t" TE_MAC2X1_BLOCK
            "cmp %[xp], %[end]\n\t"
            "bne 0b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [xp] "+r"(xp), [wp] "+r"(wp), [end] "+r"(end),
              [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1)
            :
            : "cc", "memory");
        out[oc] = te_sat_fast(te_rq_fast(2 * a0, rq[2], rq[3], rq[4]), clamp, lo, hi);
        if (oc + 1 < out_c) {
            out[oc + 1] = te_sat_fast(te_rq_fast(2 * a1, rq[5], rq[6], rq[7]), clamp, lo, hi);
        }
    }
}

/* The lean TE_FAST GEMM (no column buffer): out[r] = requant(row r . x) for r < out_c, rows
 * packed in pairs and rq as te_gemm2x2_fast. x is read in whole words: up to 3 bytes past its
 * k elements, which meet zero-padded weights. */
void te_gemm2x1_fast(const int8_t *x, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *out, int32_t out_c, int32_t lo, int32_t hi) {
#define TE_CALL(clamp) te_gemm2x1_body(x, nblk, wp, rq, out, out_c, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}
#endif

#if TE_MVE
/* out[p][r] = requant(row r . x[p]) (1x1 CONV_2D pixels, im2col columns or FULLY_CONNECTED
 * batch rows), four rows a turn: per chunk of 16 k one load of x and of each row, VMLADAVA
 * (16 MACs) into the even registers it needs, in a tail-predicated loop (DLSTP / LETP: the
 * last, partial chunk of x is never read past k); then the four sums requantized as one vector
 * (VRMULH = SMMULR per lane, cc, the sign fix and the shift as in te_rq_fast), clamped and
 * stored as bytes, only the rows that exist. w: mve_rows() layout; rq per group {2 bias x4,
 * m x4, cc x4, -e x4}. */
void te_gemm_mve(const int8_t *x, int32_t pixels, int32_t k, const int8_t *w,
                 const int32_t *rq, int8_t *out, int32_t rows, int32_t lo, int32_t hi) {
    const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
    const int32_t chunks = (k + 15) >> 4;
    int32_t p, r;
    for (p = 0; p < pixels; ++p, x += k, out += rows) {
        const int8_t *wg = w;
        const int32_t *rg = rq;
        for (r = 0; r < rows; r += 4, wg += chunks * 64, rg += 16) {
            register int32_t a0 __asm__("r0") = 0;   /* VMLADAV wants even registers */
            register int32_t a1 __asm__("r2") = 0;
            register int32_t a2 __asm__("r4") = 0;
            register int32_t a3 __asm__("r6") = 0;
            const int8_t *xp = x, *wp = wg;
            int32x4_t acc, y;
            __asm__ volatile(
                "dlstp.8 lr, %[k]\n"
                "1:\n\t"
                "vldrb.8 q0, [%[xp]], #16\n\t"
                "vldrb.8 q1, [%[wp]], #16\n\t"
                "vmladava.s8 %[a0], q0, q1\n\t"
                "vldrb.8 q1, [%[wp]], #16\n\t"
                "vmladava.s8 %[a1], q0, q1\n\t"
                "vldrb.8 q1, [%[wp]], #16\n\t"
                "vmladava.s8 %[a2], q0, q1\n\t"
                "vldrb.8 q1, [%[wp]], #16\n\t"
                "vmladava.s8 %[a3], q0, q1\n\t"
                "letp lr, 1b\n"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp),
                  [wp] "+r"(wp)
                : [k] "r"(k)
                : "q0", "q1", "lr", "memory");
            acc = vsetq_lane_s32(a0, vdupq_n_s32(a1), 0);
            acc = vsetq_lane_s32(a2, acc, 2);
            acc = vsetq_lane_s32(a3, acc, 3);
            acc = vaddq_s32(vaddq_s32(acc, acc), vldrwq_s32(rg));           /* acc2 */
            y = vaddq_s32(vrmulhq_s32(acc, vldrwq_s32(rg + 4)), vldrwq_s32(rg + 8));
            y = vshlq_s32(vaddq_s32(y, vshrq_n_s32(acc, 31)), vldrwq_s32(rg + 12));
            y = vminq_s32(vmaxq_s32(y, vlo), vhi);
            vstrbq_p_s32(out + r, y, vctp32q((uint32_t)(rows - r)));
        }
    }
}
#endif

