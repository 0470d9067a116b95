/* Winograd F(2x2, 3x3) with the DSP extension (TE_FAST), included by dsp/conv_2d.c: the
 * integer-exact transforms of ops/conv_winograd.py and portable/conv_2d.c
 * (te_conv_2d_winograd_s8), one tile at a time:
 *  - input: per tile and block of four channels, the 16 pixels' words split by SXTB16 /
 *    SXTB16 ROR 8 into int16 pairs (channels 4b, 4b+2 and 4b+1, 4b+3), B^T d B in SADD16 /
 *    SSUB16 lanes (|V| <= 1024: exact), stored in `vs` as [position][word];
 *  - 16 GEMMs: per four rows and position, SMLAD over the in_c pairs (the host packs U as
 *    [row quad][position][word][row], zero-padded);
 *  - output: A^T M A, acc2 = Y / 2 + 2 bias = twice the direct accumulator, te_rq_fast.
 * Padded pixels read zp_row (in_c bytes of the zero point; the bias has the offset folded). */
#ifndef TE_CONV_2D_WINOGRAD_H_
#define TE_CONV_2D_WINOGRAD_H_

/* One row of V for both lane sets: the column transform of t = p - q (sub) or p + q, where
 * p, q are the four pixel words of two input rows (x: e lanes, SXTB16; o: ROR 8), then the row
 * transform (B) along the four columns; stored at v[(4 * i + c) * nw] (column c), o after e. */
#define TE_WINO_ROW(LD, P, Q, OP, i)                                                      \
    do {                                                                                  \
        uint32_t e0, e1, e2, e3, o0, o1, o2, o3, x, y;                                    \
        x = LD((P)[0] + off);                                                             \
        y = LD((Q)[0] + off);                                                             \
        e0 = OP(__sxtb16(x), __sxtb16(y)); o0 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        x = LD((P)[1] + off);                                                             \
        y = LD((Q)[1] + off);                                                             \
        e1 = OP(__sxtb16(x), __sxtb16(y)); o1 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        x = LD((P)[2] + off);                                                             \
        y = LD((Q)[2] + off);                                                             \
        e2 = OP(__sxtb16(x), __sxtb16(y)); o2 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        x = LD((P)[3] + off);                                                             \
        y = LD((Q)[3] + off);                                                             \
        e3 = OP(__sxtb16(x), __sxtb16(y)); o3 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        v[(4 * (i) + 0) * nw] = __ssub16(e0, e2);                                         \
        v[(4 * (i) + 0) * nw + 1] = __ssub16(o0, o2);                                     \
        v[(4 * (i) + 1) * nw] = __sadd16(e1, e2);                                         \
        v[(4 * (i) + 1) * nw + 1] = __sadd16(o1, o2);                                     \
        v[(4 * (i) + 2) * nw] = __ssub16(e2, e1);                                         \
        v[(4 * (i) + 2) * nw + 1] = __ssub16(o2, o1);                                     \
        v[(4 * (i) + 3) * nw] = __ssub16(e1, e3);                                         \
        v[(4 * (i) + 3) * nw + 1] = __ssub16(o1, o3);                                     \
    } while (0)

/* The n < 4 bytes at p as the low bytes of a word (a partial last block of channels: its
 * missing lanes meet zero weights), without reading past them. */
TE_INLINE uint32_t te_ld_part(const int8_t *p, int32_t n) {
    uint32_t x = 0;
    int32_t j;
    for (j = 0; j < n; ++j) {
        x |= (uint32_t)(uint8_t)p[j] << (8 * j);
    }
    return x;
}

/* V of the tile at input corner (y0, x0) into vs ([position][word]);
 * nw = words per position = ceil(in_c / 4) * 2. */
static void te_wino_input(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          int32_t y0, int32_t x0, const int8_t *zp_row, uint32_t *vs,
                          int32_t nw) {
    const int8_t *p[16];
    const int32_t rest = in_c & 3;
    int32_t i, off;
    uint32_t *v = vs;
    for (i = 0; i < 16; ++i) {
        const int32_t iy = y0 + (i >> 2), ix = x0 + (i & 3);
        p[i] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? in + (iy * in_w + ix) * in_c
                                                            : zp_row;
    }
    for (off = 0; off + 4 <= in_c; off += 4, v += 2) {
        TE_WINO_ROW(te_ld32, p, p + 8, __ssub16, 0);
        TE_WINO_ROW(te_ld32, p + 4, p + 8, __sadd16, 1);
        TE_WINO_ROW(te_ld32, p + 8, p + 4, __ssub16, 2);
        TE_WINO_ROW(te_ld32, p + 4, p + 12, __ssub16, 3);
    }
    if (rest != 0) {
#define TE_LD_PART(q) te_ld_part(q, rest)
        TE_WINO_ROW(TE_LD_PART, p, p + 8, __ssub16, 0);
        TE_WINO_ROW(TE_LD_PART, p + 4, p + 8, __sadd16, 1);
        TE_WINO_ROW(TE_LD_PART, p + 8, p + 4, __ssub16, 2);
        TE_WINO_ROW(TE_LD_PART, p + 4, p + 12, __ssub16, 3);
#undef TE_LD_PART
    }
}
#undef TE_WINO_ROW

/* y[4] = A^T m A of 16 sums m (4x the 2x2 tile). */
TE_INLINE void te_wino_at(const int32_t *m, int32_t *y) {
    int32_t c, t0[4], t1[4];
    for (c = 0; c < 4; ++c) {
        t0[c] = m[c] + m[4 + c] + m[8 + c];
        t1[c] = m[4 + c] - m[8 + c] - m[12 + c];
    }
    y[0] = t0[0] + t0[1] + t0[2];
    y[1] = t0[1] - t0[2] - t0[3];
    y[2] = t1[0] + t1[1] + t1[2];
    y[3] = t1[1] - t1[2] - t1[3];
}

/* Requantize and store the tile of one row (rq: its {m, cc, e}; bias2: 2 * bias) at `o`
 * (its top-left output byte; `down`: bytes to the row below), the pixels inside the output
 * only (w, h: 1 or 2 columns and rows). */
TE_INLINE void te_wino_store(const int32_t *m, int32_t bias2, const int32_t *rq, int8_t *o,
                             int32_t out_c, int32_t down, int32_t w, int32_t h, int32_t clamp,
                             int32_t lo, int32_t hi) {
    const int32_t mq = rq[0], cc = rq[1], e = rq[2];
    int32_t y[4];
    te_wino_at(m, y);
    o[0] = te_sat_fast(te_rq_fast((y[0] >> 1) + bias2, mq, cc, e), clamp, lo, hi);
    if (w == 2) {
        o[out_c] = te_sat_fast(te_rq_fast((y[1] >> 1) + bias2, mq, cc, e), clamp, lo, hi);
    }
    if (h == 2) {
        o[down] = te_sat_fast(te_rq_fast((y[2] >> 1) + bias2, mq, cc, e), clamp, lo, hi);
        if (w == 2) {
            o[down + out_c] = te_sat_fast(te_rq_fast((y[3] >> 1) + bias2, mq, cc, e), clamp,
                                          lo, hi);
        }
    }
}

/* Sums of rows r..r+3 (u: their words side by side) times the tile's V (v) over nw words
 * (even, >= 2): per word one LDR, two LDRD and four SMLAD. */
#define TE_WINO_WORD                                                                      \
    "ldr %[va], [%[vp]], #4\n\t"                                                          \
    "ldrd %[u0], %[u1], [%[up]], #8\n\t"                                                  \
    "smlad %[a0], %[u0], %[va], %[a0]\n\t"                                                \
    "smlad %[a1], %[u1], %[va], %[a1]\n\t"                                                \
    "ldrd %[u0], %[u1], [%[up]], #8\n\t"                                                  \
    "smlad %[a2], %[u0], %[va], %[a2]\n\t"                                                \
    "smlad %[a3], %[u1], %[va], %[a3]\n\t"
#define TE_WINO_DOT4X1(u, v, end, a0, a1, a2, a3)                                         \
    do {                                                                                  \
        uint32_t u0, u1, va;                                                              \
        __asm__ volatile("1:\n\t" TE_WINO_WORD TE_WINO_WORD                               \
                         "cmp %[vp], %[ve]\n\t"                                           \
                         "bne 1b\n\t"                                                     \
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),     \
                           [up] "+r"(u), [vp] "+r"(v), [u0] "=&r"(u0), [u1] "=&r"(u1),     \
                           [va] "=&r"(va)                                                 \
                         : [ve] "r"(end)                                                  \
                         : "cc", "memory");                                               \
    } while (0)

TE_INLINE void te_wino_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                            int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                            const int8_t *zp_row, uint32_t *vs, int32_t clamp, int32_t lo,
                            int32_t hi) {
    const int32_t nw = ((in_c + 3) >> 2) * 2;
    const int32_t down = out_w * out_c;
    int32_t ty, tx, oc, pos, j;
    for (ty = 0; ty < out_h; ty += 2) {
        const int32_t h = ty + 1 < out_h ? 2 : 1;
        for (tx = 0; tx < out_w; tx += 2) {
            const int32_t w = tx + 1 < out_w ? 2 : 1;
            int8_t *o = out + (ty * out_w + tx) * out_c;
            const uint32_t *up = u;
            const int32_t *r = rq;
            te_wino_input(in, in_h, in_w, in_c, ty - pad_t, tx - pad_l, zp_row, vs, nw);
            for (oc = 0; oc < out_c; oc += 4, r += 16, o += 4) {
                int32_t m[4][16];
                const uint32_t *v = vs;
                for (pos = 0; pos < 16; ++pos) {
                    const uint32_t *const end = v + nw;
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    TE_WINO_DOT4X1(up, v, end, a0, a1, a2, a3);
                    m[0][pos] = a0;
                    m[1][pos] = a1;
                    m[2][pos] = a2;
                    m[3][pos] = a3;
                }
                for (j = 0; j < 4 && oc + j < out_c; ++j) {
                    te_wino_store(m[j], r[j], r + 4 + 3 * j, o + j, out_c, down, w, h, clamp,
                                  lo, hi);
                }
            }
        }
    }
}
#undef TE_WINO_WORD

void te_conv_2d_winograd_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                              int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                              int32_t pad_val, const int8_t *zp_row, int32_t act_min,
                              int32_t act_max, uint32_t *vs) {
    (void)pad_val;                          /* zp_row holds it */
#define TE_CALL(clamp) te_wino_body(in, in_h, in_w, in_c, u, rq, pad_t, pad_l, out, out_h,  \
                                    out_w, out_c, zp_row, vs, clamp, act_min, act_max)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}

#endif /* TE_CONV_2D_WINOGRAD_H_ */
