/* Winograd F(2x2, 3x3) with the DSP extension (TE_FAST), included by dsp/conv_2d.c: the
 * integer-exact transforms of ops/conv_winograd.py and portable/conv_2d.c
 * (te_conv_2d_winograd_s8), one or two tiles at a time:
 *  - input: per tile and block of four channels, the 16 pixels' words split by SXTB16 /
 *    SXTB16 ROR 8 into int16 pairs (channels 4b, 4b+2 and 4b+1, 4b+3), B^T d B in SADD16 /
 *    SSUB16 lanes (|V| <= 1024: exact), stored in `vs` as [position][word][tile];
 *  - 16 GEMMs: per four rows and position, SMLAD over the in_c pairs, for both tiles where
 *    `vs` holds two (each U word loaded once for both: 1.9 instructions per SMLAD against
 *    2.7); the host packs U as [row quad][position][word][row], zero-padded;
 *  - output: A^T M A, acc2 = Y / 2 + 2 bias = twice the direct accumulator, te_rq_fast.
 * Padded pixels read zp_row (in_c bytes of the zero point; the bias has the offset folded). */
#ifndef TE_CONV_2D_WINOGRAD_H_
#define TE_CONV_2D_WINOGRAD_H_

/* One row of V for both lane sets: the column transform of t = p - q (sub) or p + q, where
 * p, q are the four pixel words of two input rows (x: e lanes, SXTB16; o: ROR 8), then the row
 * transform (B) along the four columns; stored at v[st (4 i + c) nw] (column c), o next. */
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
        v[st * (4 * (i) + 0) * nw] = __ssub16(e0, e2);                                         \
        v[st * ((4 * (i) + 0) * nw + 1)] = __ssub16(o0, o2);                                     \
        v[st * (4 * (i) + 1) * nw] = __sadd16(e1, e2);                                         \
        v[st * ((4 * (i) + 1) * nw + 1)] = __sadd16(o1, o2);                                     \
        v[st * (4 * (i) + 2) * nw] = __ssub16(e2, e1);                                         \
        v[st * ((4 * (i) + 2) * nw + 1)] = __ssub16(o2, o1);                                     \
        v[st * (4 * (i) + 3) * nw] = __ssub16(e1, e3);                                         \
        v[st * ((4 * (i) + 3) * nw + 1)] = __ssub16(o1, o3);                                     \
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

/* V of the tile at input corner (y0, x0) into vs, every st-th word ([position][word][tile]
 * for st tiles); nw = words per position = ceil(in_c / 4) * 2. */
static void te_wino_input(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          int32_t y0, int32_t x0, const int8_t *zp_row, uint32_t *vs,
                          int32_t nw, int32_t st) {
    const int8_t *p[16];
    const int32_t rest = in_c & 3;
    int32_t i, off;
    uint32_t *v = vs;
    for (i = 0; i < 16; ++i) {
        const int32_t iy = y0 + (i >> 2), ix = x0 + (i & 3);
        p[i] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? in + (iy * in_w + ix) * in_c
                                                            : zp_row;
    }
    for (off = 0; off + 4 <= in_c; off += 4, v += 2 * st) {
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

/* Requantize and store the tile of one row (rq: its {m, cc, e}; bias2: 2 * bias) at `o`
 * (its top-left output byte; `down`: bytes to the row below), the pixels inside the output
 * only (w, h: 1 or 2 columns and rows). */
TE_INLINE void te_wino_store(const int32_t *m, int32_t bias2, const int32_t *rq, int8_t *o,
                             int32_t out_c, int32_t down, int32_t w, int32_t h, int32_t clamp,
                             int32_t lo, int32_t hi) {
    const int32_t mq = rq[0], cc = rq[1], e = rq[2];
    int32_t y[4];
    te_wino_out(m, y);
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

/* Sums of rows r..r+3 (u: their words side by side) times two tiles' V (v: interleaved)
 * over nw words (even, >= 2): each U word feeds both tiles, each V word four rows (GCC keeps
 * the eight sums in registers: 1.9 instructions per SMLAD). m: the tiles' sums, [8][16]. */
TE_INLINE const uint32_t *te_wino_dot4x2(const uint32_t *u, const uint32_t *v, int32_t nw,
                                         int32_t *m) {
    const uint32_t *const end = v + 2 * nw;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    do {
        uint32_t va = v[0], vb = v[1], w = u[0];
        a0 = __smlad(w, va, a0);
        b0 = __smlad(w, vb, b0);
        w = u[1];
        a1 = __smlad(w, va, a1);
        b1 = __smlad(w, vb, b1);
        w = u[2];
        a2 = __smlad(w, va, a2);
        b2 = __smlad(w, vb, b2);
        w = u[3];
        a3 = __smlad(w, va, a3);
        b3 = __smlad(w, vb, b3);
        va = v[2];
        vb = v[3];
        w = u[4];
        a0 = __smlad(w, va, a0);
        b0 = __smlad(w, vb, b0);
        w = u[5];
        a1 = __smlad(w, va, a1);
        b1 = __smlad(w, vb, b1);
        w = u[6];
        a2 = __smlad(w, va, a2);
        b2 = __smlad(w, vb, b2);
        w = u[7];
        a3 = __smlad(w, va, a3);
        b3 = __smlad(w, vb, b3);
        u += 8;
        v += 4;
    } while (v != end);
    m[0] = a0;
    m[16] = a1;
    m[32] = a2;
    m[48] = a3;
    m[64] = b0;
    m[80] = b1;
    m[96] = b2;
    m[112] = b3;
    return u;
}

/* The same for one tile (v: its V): each U word once, 2.7 instructions per SMLAD (GCC does
 * not pair the loads into LDRD; te_asm.h could: see ops/conv_winograd.py). m: [4][16]. */
TE_INLINE const uint32_t *te_wino_dot4x1(const uint32_t *u, const uint32_t *v, int32_t nw,
                                         int32_t *m) {
    const uint32_t *const end = v + nw;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    do {
        uint32_t va = v[0];
        a0 = __smlad(u[0], va, a0);
        a1 = __smlad(u[1], va, a1);
        a2 = __smlad(u[2], va, a2);
        a3 = __smlad(u[3], va, a3);
        va = v[1];
        a0 = __smlad(u[4], va, a0);
        a1 = __smlad(u[5], va, a1);
        a2 = __smlad(u[6], va, a2);
        a3 = __smlad(u[7], va, a3);
        u += 8;
        v += 2;
    } while (v != end);
    m[0] = a0;
    m[16] = a1;
    m[32] = a2;
    m[48] = a3;
    return u;
}

/* Tiles in pairs (PAIRS: `vs` holds two tiles' V) or one at a time (a constant: one body
 * each, the clamp mode a run-time argument instead); m: the sums of rows 0-3 of tile a, then
 * of tile b ([8][16] for pairs, else [4][16]). */
TE_INLINE void te_wino_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                            int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                            const int8_t *zp_row, uint32_t *vs, const int32_t PAIRS,
                            int32_t (*m)[16], int32_t clamp, int32_t lo, int32_t hi) {
    const int32_t nw = ((in_c + 3) >> 2) * 2, st = PAIRS ? 2 : 1;
    const int32_t tiles_w = (out_w + 1) >> 1, tiles = ((out_h + 1) >> 1) * tiles_w;
    const int32_t down = out_w * out_c;
    int32_t t, oc, pos, j;
    for (t = 0; t < tiles; t += st) {
        const int two = PAIRS && t + 1 < tiles;     /* a lone last tile is computed twice */
        const int32_t tb = two ? t + 1 : t;
        const int32_t ya = (t / tiles_w) * 2, xa = (t % tiles_w) * 2;
        const int32_t yb = (tb / tiles_w) * 2, xb = (tb % tiles_w) * 2;
        const int32_t wa = xa + 1 < out_w ? 2 : 1, ha = ya + 1 < out_h ? 2 : 1;
        const int32_t wb = xb + 1 < out_w ? 2 : 1, hb = yb + 1 < out_h ? 2 : 1;
        int8_t *oa = out + (ya * out_w + xa) * out_c, *ob = out + (yb * out_w + xb) * out_c;
        const uint32_t *up = u;
        const int32_t *r = rq;
        te_wino_input(in, in_h, in_w, in_c, ya - pad_t, xa - pad_l, zp_row, vs, nw, st);
        if (PAIRS) {
            te_wino_input(in, in_h, in_w, in_c, yb - pad_t, xb - pad_l, zp_row, vs + 1, nw, st);
        }
        for (oc = 0; oc < out_c; oc += 4, r += 16, oa += 4, ob += 4) {
            for (pos = 0; pos < 16; ++pos) {
                up = PAIRS ? te_wino_dot4x2(up, vs + 2 * pos * nw, nw, &m[0][pos])
                           : te_wino_dot4x1(up, vs + pos * nw, nw, &m[0][pos]);
            }
            for (j = 0; j < 4 && oc + j < out_c; ++j) {
                te_wino_store(m[j], r[j], r + 4 + 3 * j, oa + j, out_c, down, wa, ha, clamp,
                              lo, hi);
                if (two) {
                    te_wino_store(m[PAIRS ? 4 + j : j], r[j], r + 4 + 3 * j, ob + j, out_c,
                                  down, wb, hb, clamp, lo, hi);
                }
            }
        }
    }
}

static __attribute__((noinline)) void te_wino_pairs(
        const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c, const uint32_t *u,
        const int32_t *rq, int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
        int32_t out_w, int32_t out_c, const int8_t *zp_row, uint32_t *vs, int32_t clamp,
        int32_t lo, int32_t hi) {
    int32_t m[8][16];
    te_wino_body(in, in_h, in_w, in_c, u, rq, pad_t, pad_l, out, out_h, out_w, out_c, zp_row,
                 vs, 1, m, clamp, lo, hi);
}

static __attribute__((noinline)) void te_wino_single(
        const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c, const uint32_t *u,
        const int32_t *rq, int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
        int32_t out_w, int32_t out_c, const int8_t *zp_row, uint32_t *vs, int32_t clamp,
        int32_t lo, int32_t hi) {
    int32_t m[4][16];
    te_wino_body(in, in_h, in_w, in_c, u, rq, pad_t, pad_l, out, out_h, out_w, out_c, zp_row,
                 vs, 0, m, clamp, lo, hi);
}

void te_conv_2d_winograd_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                              int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                              int32_t pad_val, const int8_t *zp_row, int32_t act_min,
                              int32_t act_max, uint32_t *vs, int32_t pairs) {
    const int32_t clamp = te_clamp_mode(act_min, act_max);
    (void)pad_val;                          /* zp_row holds it */
    (pairs ? te_wino_pairs : te_wino_single)(in, in_h, in_w, in_c, u, rq, pad_t, pad_l, out,
                                             out_h, out_w, out_c, zp_row, vs, clamp, act_min,
                                             act_max);
}

#endif /* TE_CONV_2D_WINOGRAD_H_ */
