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

/* B^T d B on 16 words of int16 pairs, in place (row r, column c at 4 r + c). */
TE_INLINE void te_wino_bt(uint32_t *d) {
    int32_t i;
    uint32_t t[16];
    for (i = 0; i < 4; ++i) {
        t[i] = __ssub16(d[i], d[8 + i]);
        t[4 + i] = __sadd16(d[4 + i], d[8 + i]);
        t[8 + i] = __ssub16(d[8 + i], d[4 + i]);
        t[12 + i] = __ssub16(d[4 + i], d[12 + i]);
    }
    for (i = 0; i < 16; i += 4) {
        d[i] = __ssub16(t[i], t[i + 2]);
        d[i + 1] = __sadd16(t[i + 1], t[i + 2]);
        d[i + 2] = __ssub16(t[i + 2], t[i + 1]);
        d[i + 3] = __ssub16(t[i + 1], t[i + 3]);
    }
}

/* V of the tile at input corner (y0, x0) into vs (every other word: [position][word][tile]);
 * nw = words per position = ceil(in_c / 4) * 2. A last block of fewer than four channels is
 * gathered byte by byte (its missing lanes meet zero weights). */
static void te_wino_input(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          int32_t y0, int32_t x0, const int8_t *zp_row, uint32_t *vs,
                          int32_t nw) {
    const int8_t *px[16];
    int32_t i, b, j;
    for (i = 0; i < 16; ++i) {
        const int32_t iy = y0 + (i >> 2), ix = x0 + (i & 3);
        px[i] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? in + (iy * in_w + ix) * in_c
                                                             : zp_row;
    }
    for (b = 0; 4 * b < in_c; ++b) {
        uint32_t e[16], o[16];
        const int32_t rest = in_c - 4 * b;
        for (i = 0; i < 16; ++i) {
            uint32_t x = 0;
            if (rest >= 4) {
                x = te_ld32(px[i] + 4 * b);
            } else {
                for (j = 0; j < rest; ++j) {
                    x |= (uint32_t)(uint8_t)px[i][4 * b + j] << (8 * j);
                }
            }
            e[i] = __sxtb16(x);
            o[i] = te_sxtb16_ror8(x);
        }
        te_wino_bt(e);
        te_wino_bt(o);
        for (i = 0; i < 16; ++i) {
            vs[2 * (i * nw + 2 * b)] = e[i];
            vs[2 * (i * nw + 2 * b + 1)] = o[i];
        }
    }
}

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

/* Requantize and store the tile of one row (rq: its {m, cc, e}; bias2: 2 * bias) at output
 * pixel (ty, tx), the pixels inside the output only. */
TE_INLINE void te_wino_store(const int32_t *m, int32_t bias2, const int32_t *rq, int8_t *out,
                             int32_t ty, int32_t tx, int32_t out_h, int32_t out_w,
                             int32_t out_c, int32_t clamp, int32_t lo, int32_t hi) {
    int32_t y[4], i;
    te_wino_at(m, y);
    for (i = 0; i < 4; ++i) {
        const int32_t oy = ty + (i >> 1), ox = tx + (i & 1);
        if (oy < out_h && ox < out_w) {
            out[(oy * out_w + ox) * out_c] =
                te_sat_fast(te_rq_fast((y[i] >> 1) + bias2, rq[0], rq[1], rq[2]), clamp, lo, hi);
        }
    }
}

TE_INLINE void te_wino_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                            int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                            const int8_t *zp_row, uint32_t *vs, int32_t clamp, int32_t lo,
                            int32_t hi) {
    const int32_t nw = ((in_c + 3) >> 2) * 2;
    const int32_t tiles_w = (out_w + 1) >> 1, tiles = ((out_h + 1) >> 1) * tiles_w;
    int32_t t, oc, pos, k;
    for (t = 0; t < tiles; t += 2) {
        const int two = t + 1 < tiles;      /* a lone last tile is computed twice */
        const int32_t ta = t, tb = two ? t + 1 : t;
        const int32_t ya = (ta / tiles_w) * 2, xa = (ta % tiles_w) * 2;
        const int32_t yb = (tb / tiles_w) * 2, xb = (tb % tiles_w) * 2;
        const uint32_t *up = u;
        const int32_t *r = rq;
        te_wino_input(in, in_h, in_w, in_c, ya - pad_t, xa - pad_l, zp_row, vs, nw);
        te_wino_input(in, in_h, in_w, in_c, yb - pad_t, xb - pad_l, zp_row, vs + 1, nw);
        for (oc = 0; oc < out_c; oc += 2, r += 8) {
            int32_t ma0[16], ma1[16], mb0[16], mb1[16];
            for (pos = 0; pos < 16; ++pos) {
                const uint32_t *v = vs + 2 * pos * nw;
                int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
                for (k = 0; k < nw; ++k, up += 2, v += 2) {
                    const uint32_t u0 = up[0], u1 = up[1], va = v[0], vb = v[1];
                    a0 = __smlad(u0, va, a0);
                    a1 = __smlad(u1, va, a1);
                    b0 = __smlad(u0, vb, b0);
                    b1 = __smlad(u1, vb, b1);
                }
                ma0[pos] = a0;
                ma1[pos] = a1;
                mb0[pos] = b0;
                mb1[pos] = b1;
            }
            te_wino_store(ma0, r[0], r + 2, out + oc, ya, xa, out_h, out_w, out_c, clamp, lo,
                          hi);
            if (two) {
                te_wino_store(mb0, r[0], r + 2, out + oc, yb, xb, out_h, out_w, out_c, clamp,
                              lo, hi);
            }
            if (oc + 1 < out_c) {
                te_wino_store(ma1, r[1], r + 5, out + oc + 1, ya, xa, out_h, out_w, out_c,
                              clamp, lo, hi);
                if (two) {
                    te_wino_store(mb1, r[1], r + 5, out + oc + 1, yb, xb, out_h, out_w, out_c,
                                  clamp, lo, hi);
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
