/* Winograd F(2x2, 3x3) with the DSP extension (TE_FAST), included by dsp/conv_2d.c: the
 * integer-exact transforms of ops/conv_winograd.py and portable/conv_2d.c
 * (te_conv_2d_winograd_s8), two tiles at a time:
 *  - input: per tile and block of four channels, the 16 pixels' words split by SXTB16 /
 *    SXTB16 ROR 8 into int16 pairs (channels 4b, 4b+2 and 4b+1, 4b+3), B^T d B in SADD16 /
 *    SSUB16 lanes (|V| <= 1024: exact), stored in `vs` as [position][word][tile];
 *  - 16 GEMMs: per row pair and position, SMLAD over the in_c pairs for both tiles (the host
 *    packs U as [row pair][position][word][row], zero-padded);
 *  - output: A^T M A, acc2 = Y / 2 + 2 bias = twice the direct accumulator, te_rq_fast.
 * Padded pixels read zp_row (in_c bytes of the zero point; the bias has the offset folded). */
#ifndef TE_CONV_2D_WINOGRAD_H_
#define TE_CONV_2D_WINOGRAD_H_

/* One row of V for both lane sets: the column transform of t = p - q (sub) or p + q, where
 * p, q are the four pixel words of two input rows (x: e lanes, SXTB16; o: ROR 8), then the row
 * transform (B) along the four columns; stored at vs[2 * (4 * i + c) * nw] (column c). */
#define TE_WINO_ROW(P, Q, OP, i)                                                          \
    do {                                                                                  \
        uint32_t e0, e1, e2, e3, o0, o1, o2, o3, x, y;                                    \
        x = te_ld32((P)[0] + off); y = te_ld32((Q)[0] + off);                             \
        e0 = OP(__sxtb16(x), __sxtb16(y)); o0 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        x = te_ld32((P)[1] + off); y = te_ld32((Q)[1] + off);                             \
        e1 = OP(__sxtb16(x), __sxtb16(y)); o1 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        x = te_ld32((P)[2] + off); y = te_ld32((Q)[2] + off);                             \
        e2 = OP(__sxtb16(x), __sxtb16(y)); o2 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        x = te_ld32((P)[3] + off); y = te_ld32((Q)[3] + off);                             \
        e3 = OP(__sxtb16(x), __sxtb16(y)); o3 = OP(te_sxtb16_ror8(x), te_sxtb16_ror8(y)); \
        v[(8 * (i) + 0) * nw] = __ssub16(e0, e2);                                         \
        v[(8 * (i) + 0) * nw + 2] = __ssub16(o0, o2);                                     \
        v[(8 * (i) + 2) * nw] = __sadd16(e1, e2);                                         \
        v[(8 * (i) + 2) * nw + 2] = __sadd16(o1, o2);                                     \
        v[(8 * (i) + 4) * nw] = __ssub16(e2, e1);                                         \
        v[(8 * (i) + 4) * nw + 2] = __ssub16(o2, o1);                                     \
        v[(8 * (i) + 6) * nw] = __ssub16(e1, e3);                                         \
        v[(8 * (i) + 6) * nw + 2] = __ssub16(o1, o3);                                     \
    } while (0)

/* V of the tile at input corner (y0, x0) into vs (every other word: [position][word][tile]);
 * nw = words per position = ceil(in_c / 4) * 2. A last block of fewer than four channels is
 * gathered into `tail` first (its missing lanes meet zero weights). */
static void te_wino_input(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          int32_t y0, int32_t x0, const int8_t *zp_row, uint32_t *vs,
                          int32_t nw) {
    const int8_t *px[16];
    int8_t tail[64];
    int32_t i, b, j;
    for (i = 0; i < 16; ++i) {
        const int32_t iy = y0 + (i >> 2), ix = x0 + (i & 3);
        px[i] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? in + (iy * in_w + ix) * in_c
                                                             : zp_row;
    }
    for (b = 0; 4 * b < in_c; ++b) {
        const int32_t rest = in_c - 4 * b;
        const int8_t *const *p = px;
        const int8_t *tp[16];
        uint32_t *v = vs + 2 * (2 * b);
        int32_t off = 4 * b;
        if (rest < 4) {                     /* the last, partial block */
            for (i = 0; i < 16; ++i) {
                for (j = 0; j < 4; ++j) {
                    tail[4 * i + j] = j < rest ? px[i][4 * b + j] : 0;
                }
                tp[i] = tail + 4 * i;
            }
            p = tp;
            off = 0;
        }
        TE_WINO_ROW(p, p + 8, __ssub16, 0);
        TE_WINO_ROW(p + 4, p + 8, __sadd16, 1);
        TE_WINO_ROW(p + 8, p + 4, __ssub16, 2);
        TE_WINO_ROW(p + 4, p + 12, __ssub16, 3);
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

/* Sums of rows r, r+1 (u: their words side by side) times tiles a, b (v: interleaved) over
 * nw words (even, >= 2): two LDRD and four SMLAD a word. */
#define TE_WINO_DOT2X2(u, v, end, a0, a1, b0, b1)                                         \
    do {                                                                                  \
        uint32_t u0, u1, va, vb;                                                          \
        __asm__ volatile(                                                                 \
            "1:\n\t"                                                                      \
            "ldrd %[u0], %[u1], [%[up]], #8\n\t"                                          \
            "ldrd %[va], %[vb], [%[vp]], #8\n\t"                                          \
            "smlad %[a0], %[u0], %[va], %[a0]\n\t"                                        \
            "smlad %[a1], %[u1], %[va], %[a1]\n\t"                                        \
            "smlad %[b0], %[u0], %[vb], %[b0]\n\t"                                        \
            "smlad %[b1], %[u1], %[vb], %[b1]\n\t"                                        \
            "ldrd %[u0], %[u1], [%[up]], #8\n\t"                                          \
            "ldrd %[va], %[vb], [%[vp]], #8\n\t"                                          \
            "smlad %[a0], %[u0], %[va], %[a0]\n\t"                                        \
            "smlad %[a1], %[u1], %[va], %[a1]\n\t"                                        \
            "smlad %[b0], %[u0], %[vb], %[b0]\n\t"                                        \
            "smlad %[b1], %[u1], %[vb], %[b1]\n\t"                                        \
            "cmp %[vp], %[ve]\n\t"                                                        \
            "bne 1b\n\t"                                                                  \
            : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [up] "+r"(u),    \
              [vp] "+r"(v), [u0] "=&r"(u0), [u1] "=&r"(u1), [va] "=&r"(va), [vb] "=&r"(vb)  \
            : [ve] "r"(end)                                                               \
            : "cc", "memory");                                                            \
    } while (0)

TE_INLINE void te_wino_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                            int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                            const int8_t *zp_row, uint32_t *vs, int32_t clamp, int32_t lo,
                            int32_t hi) {
    const int32_t nw = ((in_c + 3) >> 2) * 2;
    const int32_t tiles_w = (out_w + 1) >> 1, tiles = ((out_h + 1) >> 1) * tiles_w;
    const int32_t down = out_w * out_c;
    int32_t t, oc, pos;
    for (t = 0; t < tiles; t += 2) {
        const int two = t + 1 < tiles;      /* a lone last tile is computed twice */
        const int32_t ta = t, tb = two ? t + 1 : t;
        const int32_t ya = (ta / tiles_w) * 2, xa = (ta % tiles_w) * 2;
        const int32_t yb = (tb / tiles_w) * 2, xb = (tb % tiles_w) * 2;
        const int32_t wa = xa + 1 < out_w ? 2 : 1, ha = ya + 1 < out_h ? 2 : 1;
        const int32_t wb = xb + 1 < out_w ? 2 : 1, hb = yb + 1 < out_h ? 2 : 1;
        int8_t *oa = out + (ya * out_w + xa) * out_c, *ob = out + (yb * out_w + xb) * out_c;
        const uint32_t *up = u;
        const int32_t *r = rq;
        te_wino_input(in, in_h, in_w, in_c, ya - pad_t, xa - pad_l, zp_row, vs, nw);
        te_wino_input(in, in_h, in_w, in_c, yb - pad_t, xb - pad_l, zp_row, vs + 1, nw);
        for (oc = 0; oc < out_c; oc += 2, r += 8, oa += 2, ob += 2) {
            int32_t ma0[16], ma1[16], mb0[16], mb1[16];
            const uint32_t *v = vs;
            for (pos = 0; pos < 16; ++pos) {
                const uint32_t *const end = v + 2 * nw;
                int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
                TE_WINO_DOT2X2(up, v, end, a0, a1, b0, b1);
                ma0[pos] = a0;
                ma1[pos] = a1;
                mb0[pos] = b0;
                mb1[pos] = b1;
            }
            te_wino_store(ma0, r[0], r + 2, oa, out_c, down, wa, ha, clamp, lo, hi);
            if (two) {
                te_wino_store(mb0, r[0], r + 2, ob, out_c, down, wb, hb, clamp, lo, hi);
            }
            if (oc + 1 < out_c) {
                te_wino_store(ma1, r[1], r + 5, oa + 1, out_c, down, wa, ha, clamp, lo, hi);
                if (two) {
                    te_wino_store(mb1, r[1], r + 5, ob + 1, out_c, down, wb, hb, clamp, lo, hi);
                }
            }
        }
    }
}

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
