/* The DSP GEMMs (TE_FAST): host-packed weights, int16 or int8 columns, SMMLAR requantization;
 * the asm loops are in te_asm.h, the operand layouts in layouts/gemm.py (te_layouts.h). */
#include "gemm.h"
#include "te_isa.h"

#if TE_FAST
/* ---------------------------------------------------------------------------------------
 * Columns are widened once per pixel pair (or quad) to doubled int16 (2x fits int16), four k
 * at a time in SXTB16 order: word 0 = (x0, x2), word 1 = (x1, x3). Interleaved columns hold
 * per block of four k every column's word 0, then every column's word 1: a0 b0 a1 b1 (16
 * bytes), a0 b0 c0 d0 a1 b1 c1 d1 (32): te_widen_s8 with `step` 4 or 8 at column i's first
 * word. The weights are packed by the compiler in groups of rows (pairs for the pair GEMMs,
 * quads for the column GEMM; layouts/gemm.py and te_asm.h), zero-padded to whole blocks and
 * groups, so that their int16 lanes line up with the column words and SMLAD accumulates
 * 2 * acc directly. */

TE_INLINE uint32_t te_dbl16(uint32_t v) {   /* both int16 lanes doubled */
    return __sadd16(v, v);
}

void te_widen_s8(const int8_t *src, int32_t n, uint32_t *dst, int32_t step) {
    const int32_t i = n & ~3;
    te_widen_blocks(src, n >> 2, dst, step);
    dst += (n >> 2) * step;
    if (i < n) {                            /* zero-padded last block */
        uint32_t v = 0;
        int32_t j;
        for (j = 0; i + j < n; ++j) {
            v |= (uint32_t)(uint8_t)src[i + j] << (8 * j);
        }
        dst[0] = te_dbl16(__sxtb16(v));
        dst[step >> 1] = te_dbl16(te_sxtb16_ror8(v));
    }
}

void te_fill_s16(uint32_t *dst, int32_t nblk, int32_t value, int32_t step) {
    const uint32_t v = te_rep2(2 * value);
    int32_t i;
    for (i = 0; i < nblk; ++i) {
        dst[0] = v;
        dst[step >> 1] = v;
        dst += step;
    }
}

/* s8 (TE_S8): int8 columns (bias halved in, sums doubled out), else doubled int16 columns
 * against int8 weights (TE_W8) or int16 ones (TE_W16, layouts/gemm.py pack_rows16). */
enum { TE_W8 = 0, TE_S8 = 1, TE_W16 = 2 };
#define TE_GEMM2X2_RUN(xp, wp, nblk, s8)                                                  \
    do {                                                                                  \
        if (s8 == TE_W16) {                                                               \
            TE_GEMM2X2_LOOP(xp, wp, nblk, TE_MAC2X2_BLOCK16, "4");                        \
        } else if (s8) {                                                                  \
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
        rq += TE_PAIR_RQ;
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
#define TE_CALL(clamp) te_gemm2x2_body(cols, nblk, wp, rq, oa, ob, out_c, TE_W8, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* The same against int16 weights (pack_rows16 in row pairs: twice the flash, 12 instead of
 * 19 instructions per block of 16 MACs). */
void te_gemm2x2_w16(const uint32_t *cols, int32_t nblk, const uint32_t *w16, const int32_t *rq,
                    int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo, int32_t hi) {
#define TE_CALL(clamp) te_gemm2x2_body(cols, nblk, w16, rq, oa, ob, out_c, TE_W16, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* The same from two int8 columns interleaved per block of four k (8 * nblk bytes). */
void te_gemm2x2_s8_fast(const int8_t *cols, int32_t nblk, const uint32_t *wp,
                        const int32_t *rq, int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo,
                        int32_t hi) {
#define TE_CALL(clamp) te_gemm2x2_body(cols, nblk, wp, rq, oa, ob, out_c, TE_S8, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* The 2x4 GEMM: rows in pairs as te_gemm2x2_fast, four doubled int16 columns a..d interleaved
 * per block of four k (32 bytes, te_widen_s8 step 8); outputs of column i at out + i * out_c.
 * Per row pair 26 instructions per block of 32 MACs (four blocks a loop test), one epilogue
 * for 8 outputs. */
TE_INLINE void te_gemm2x4_body(const uint32_t *cols, int32_t nblk, const uint32_t *wp,
                               const int32_t *rq, int8_t *out, int32_t out_c, int32_t clamp,
                               int32_t lo, int32_t hi, int32_t w16) {
    const uint8_t *const end = (const uint8_t *)cols + (nblk << 5);
    const int32_t odd = nblk & 1, rem = nblk & 3;
    const uint32_t bounds[2] = {te_rep4(lo), te_rep4(hi)};
    uint32_t entry = 0;                     /* TE_GEMM2X4_PAIRS: the blocks' loop entry */
    int32_t n = out_c >> 1, a0, a1, b0, b1, c0, c1, d0, d1, i;
    int8_t *o = out;
    const uint8_t *xp;
    register uint32_t x0 __asm__("r8");     /* m, cc, e of the epilogue's LDM */
    register uint32_t x1 __asm__("r9");
    register uint32_t w __asm__("r10");
    uint32_t t;
#define TE_PAIRS(BLOCK)                                                                   \
    do {                                                                                  \
        if (clamp == 0) {                                                                 \
            TE_GEMM2X4_PAIRS(BLOCK, TE_ST2X4_PLAIN);                                      \
        } else if (clamp == 2) {                                                          \
            TE_GEMM2X4_PAIRS(BLOCK, TE_ST2X4_CLAMPED(TE_LO2X4));                          \
        } else {                                                                          \
            TE_GEMM2X4_PAIRS(BLOCK, TE_ST2X4_CLAMPED(TE_LO2X4 TE_HI2X4));                 \
        }                                                                                 \
    } while (0)
    if (n > 0 && w16) {
        TE_PAIRS(TE_MAC2X4_BLOCK16);
    } else if (n > 0) {
        TE_PAIRS(TE_MAC2X4_BLOCK);
    }
#undef TE_PAIRS
    if (out_c & 1) {                        /* last row: its pair partner is all zeros */
        int32_t sums[4];
        a0 = b0 = c0 = d0 = rq[0];
        a1 = b1 = c1 = d1 = 0;
        xp = (const uint8_t *)cols;
        if (w16) {
            TE_GEMM2X4_LOOP(TE_MAC2X4_BLOCK16);
        } else {
            TE_GEMM2X4_LOOP(TE_MAC2X4_BLOCK);
        }
        sums[0] = a0;
        sums[1] = b0;
        sums[2] = c0;
        sums[3] = d0;
        for (i = 0; i < 4; ++i) {
            o[i * out_c] = te_sat_fast(te_rq_fast(sums[i], rq[2], rq[3], rq[4]), clamp, lo, hi);
        }
    }
}

/* out[i * out_c + r] = requant(row r x column i) for r < out_c, i < 4; rq as te_gemm2x2_fast. */
void te_gemm2x4_fast(const uint32_t *cols, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *out, int32_t out_c, int32_t lo, int32_t hi) {
#define TE_CALL(clamp) te_gemm2x4_body(cols, nblk, wp, rq, out, out_c, clamp, lo, hi, 0)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* The same against int16 weights (pack_rows16 in row pairs): 22 instead of 26 instructions per
 * block of 32 MACs, twice the weights' flash. */
void te_gemm2x4_w16(const uint32_t *cols, int32_t nblk, const uint32_t *w16, const int32_t *rq,
                    int8_t *out, int32_t out_c, int32_t lo, int32_t hi) {
#define TE_CALL(clamp) te_gemm2x4_body(cols, nblk, w16, rq, out, out_c, clamp, lo, hi, 1)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

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

/* The 4x1 GEMM with int16 weights (TE_GEMM4X1_W16_LOOP, te_asm.h): no widening in the loop,
 * the weights take twice the flash of int8 ones. */
TE_INLINE void te_gemm4x1_w16_body(const uint32_t *col, int32_t nblk, const uint32_t *w16,
                                   const int32_t *rq, int8_t *out, int32_t out_c,
                                   int32_t clamp, int32_t lo, int32_t hi) {
    const uint32_t *wp = w16;
    int32_t r, i;
    for (r = 0; r < out_c; r += 4, rq += 16) {
        int32_t acc[4];
        int32_t a0 = rq[0], a1 = rq[1], a2 = rq[2], a3 = rq[3];
        const uint32_t *xp = col;
        TE_GEMM4X1_W16_LOOP(nblk);
        acc[0] = a0;
        acc[1] = a1;
        acc[2] = a2;
        acc[3] = a3;
        for (i = 0; i < 4 && r + i < out_c; ++i) {
            out[r + i] = te_sat_fast(te_rq_fast(acc[i], rq[4 + 3 * i], rq[5 + 3 * i],
                                                rq[6 + 3 * i]), clamp, lo, hi);
        }
    }
}

void te_gemm4x1_w16(const uint32_t *col, int32_t nblk, const uint32_t *w16, const int32_t *rq,
                    int8_t *out, int32_t out_c, int32_t lo, int32_t hi) {
#define TE_CALL(clamp) te_gemm4x1_w16_body(col, nblk, w16, rq, out, out_c, clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}

/* The 2x1 GEMM (pairs of rows, one int8 column x, sums doubled before requantizing). */
TE_INLINE void te_gemm2x1_body(const int8_t *x, int32_t nblk, const uint32_t *wp,
                               const int32_t *rq, int8_t *out, int32_t out_c, int32_t clamp,
                               int32_t lo, int32_t hi) {
    int32_t oc;
    for (oc = 0; oc < out_c; oc += TE_PAIR_ROWS, rq += TE_PAIR_RQ) {
        int32_t a0 = rq[0] >> 1, a1 = rq[1] >> 1;   /* bias: x is not doubled here */
        const int8_t *xp = x;
        int32_t end = nblk;
        uint32_t w0, w1, t, x0, x1;
        TE_GEMM2X1_LOOP();
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

