/* DEPTHWISE_CONV_2D with the DSP extension (TE_FAST builds without Helium): one pixel of a
 * four-channel group with SXTB16 and SMLABB / SMLATT (3x3 unrolled in asm, te_asm.h), the
 * entries te_depthwise_conv_2d_dsp / _inplace_dsp from depthwise_conv_2d_fast.h. */
#include "depthwise_conv_2d.h"
#include "te_isa.h"
#include "te_ring.h"

#if TE_FAST && !TE_MVE
/* One output pixel of a four-channel group with host-prepared operands, every tap inside the
 * input (the input offset is folded into the bias): `r0` is the window's first input pixel,
 * `xp`/`yp` the byte steps between taps of a row / between rows, `wg` the group's taps as
 * int16 pairs (2w: channels 0,2 then 1,3), `rq` the group's {2 * folded bias, m, cc, e,
 * 2 * bias} x 4. */
#define TE_DWX_TAP(px, t)                                                                 \
    do {                                                                                  \
        const uint32_t x_ = te_ld32(px);                                                  \
        const uint32_t xe_ = __sxtb16(x_), xo_ = te_sxtb16_ror8(x_);                   \
        const uint32_t we_ = wg[2 * (t)], wo_ = wg[2 * (t) + 1];                          \
        a0 = __smlabb(xe_, we_, a0);                                                      \
        a2 = __smlatt(xe_, we_, a2);                                                      \
        a1 = __smlabb(xo_, wo_, a1);                                                      \
        a3 = __smlatt(xo_, wo_, a3);                                                      \
    } while (0)

TE_INLINE void te_dw_fast_px(const int8_t *r0, int32_t xp, int32_t yp, const uint32_t *wg,
                             const int32_t *rq, int32_t k_h, int32_t k_w, int8_t *po,
                             int32_t clamp, int32_t lo, int32_t hi) {
    int32_t a0 = rq[0], a1 = rq[1], a2 = rq[2], a3 = rq[3];
    if (k_h == 3 && k_w == 3) {         /* 8 instructions a tap: 36 MACs in 74 (te_asm.h) */
        const int8_t *p = r0;
        const uint32_t *w = wg;
        uint32_t x, xe, we, wo;
        TE_DW3_ASM();
    } else {
        int32_t ky, kx;
        for (ky = 0; ky < k_h; ++ky) {
            const int8_t *px = r0 + ky * yp;
            for (kx = 0; kx < k_w; ++kx) {
                TE_DWX_TAP(px, 0);
                px += xp;
                wg += 2;
            }
        }
    }
    po[0] = te_sat_fast(te_rq_fast(a0, rq[4], rq[8], rq[12]), clamp, lo, hi);
    po[1] = te_sat_fast(te_rq_fast(a1, rq[5], rq[9], rq[13]), clamp, lo, hi);
    po[2] = te_sat_fast(te_rq_fast(a2, rq[6], rq[10], rq[14]), clamp, lo, hi);
    po[3] = te_sat_fast(te_rq_fast(a3, rq[7], rq[11], rq[15]), clamp, lo, hi);
}

/* A border pixel: only the taps inside (ky0..ky1 x kx0..kx1 of the window at r0), the input
 * offset added to each (off2), from the unfolded 2 * bias (rq[16..19]). */
TE_INLINE void te_dw_border_px(const int8_t *r0, int32_t xp, int32_t yp, const uint32_t *wg,
                               const int32_t *rq, int32_t k_w, int32_t ky0, int32_t ky1,
                               int32_t kx0, int32_t kx1, uint32_t off2, int8_t *po,
                               int32_t clamp, int32_t lo, int32_t hi) {
    int32_t a0 = rq[16], a1 = rq[17], a2 = rq[18], a3 = rq[19], ky, kx;
    for (ky = ky0; ky < ky1; ++ky) {
        const int8_t *px = r0 + ky * yp + kx0 * xp;
        const uint32_t *w = wg + 2 * (ky * k_w + kx0);
        for (kx = kx0; kx < kx1; ++kx, px += xp, w += 2) {
            const uint32_t x = te_ld32(px);
            const uint32_t xe = __sadd16(__sxtb16(x), off2);
            const uint32_t xo = __sadd16(te_sxtb16_ror8(x), off2);
            a0 = __smlabb(xe, w[0], a0);
            a2 = __smlatt(xe, w[0], a2);
            a1 = __smlabb(xo, w[1], a1);
            a3 = __smlatt(xo, w[1], a3);
        }
    }
    po[0] = te_sat_fast(te_rq_fast(a0, rq[4], rq[8], rq[12]), clamp, lo, hi);
    po[1] = te_sat_fast(te_rq_fast(a1, rq[5], rq[9], rq[13]), clamp, lo, hi);
    po[2] = te_sat_fast(te_rq_fast(a2, rq[6], rq[10], rq[14]), clamp, lo, hi);
    po[3] = te_sat_fast(te_rq_fast(a3, rq[7], rq[11], rq[15]), clamp, lo, hi);
}

#if TE_DW_RQ != 20
#error "TE_DW3_GROUPS steps the rq by 80 bytes (TE_DW_RQ words)"
#endif
/* Every four-channel group of an interior 3x3 pixel in one asm loop (TE_DW3_GROUPS): po[4g..]
 * from the window at r0 + 4g, the groups' taps wx and rq one after another; bounds {lo, hi}
 * repeated in every byte. */
TE_INLINE void te_dw3_px_groups(const int8_t *r0, int32_t xp, int32_t yp, const uint32_t *wx,
                                const int32_t *rq, int8_t *po, int32_t groups, int32_t clamp,
                                const uint32_t *bounds) {
    const int8_t *p = r0;
    const uint32_t *w = wx;
    const int32_t *r = rq;
    int8_t *o = po;
    const int8_t *const end = po + 4 * groups;
    int32_t a0, a1, a2, a3;
    uint32_t x, xe, we, wo;
    TE_DW3_BY_CLAMP(clamp, TE_DW3_GROUPS);
}

/* The out_w pixels of an output row of one four-channel group, 3x3 (TE_DW3_ROW_PIXELS): the
 * windows from r0 pstep bytes apart, the outputs from po ostep bytes apart. */
TE_INLINE void te_dw3_row_pixels(const int8_t *r0, int32_t xp, int32_t yp, const uint32_t *wg,
                                 const int32_t *rq, int8_t *po, int32_t out_w, int32_t pstep,
                                 int32_t ostep, int32_t clamp, const uint32_t *bounds) {
    const int8_t *p = r0;
    const uint32_t *w = wg, *const w0 = wg;
    const int32_t *r = rq;
    int8_t *o = po;
    const int8_t *const end = po + out_w * ostep;
    int32_t a0, a1, a2, a3;
    uint32_t x, xe, we, wo;
    TE_DW3_BY_CLAMP(clamp, TE_DW3_ROW_PIXELS);
}

#define TE_DW_PX te_dw_fast_px
#define TE_DW_PX_GROUPS te_dw3_px_groups
#define TE_DW_ROW_PIXELS te_dw3_row_pixels
#define TE_DW_BORDER_PX te_dw_border_px
#define TE_DW_ISA(name) name##_dsp
#include "depthwise_conv_2d_fast.h"

/* ---- Row ring: 3x3 depthwise (dilation 1, stride_w 1 or 2) on wide rows, planar -------------
 * The channels of the four-channel groups go through a ring of the three input rows an output
 * row reads, stored planar (per channel a row of int16, padding columns holding the input zero
 * point, whose share the folded bias already removes): every pixel takes one path, and two
 * horizontally adjacent outputs share each pair of input halfwords (SMLAD multiplies two taps of
 * a row at once). Each input byte is widened once. Output rows are made in order, each input
 * row read before the first output row that needs it (never later than the plain kernel's
 * pixel order reads it), so the plain kernel's in-scan overlap of input and output holds. The
 * c % 4 last channels of a row go first, pixel by pixel from the input.
 * wr: per channel TE_DW_RING_TAP_WORDS words, the doubled taps as int16 pairs (w00 w01)
 * (w01 w02) (w10 w11) (w11 w12) (w20 w21) (w21 w22); rr: per channel {2 * folded bias, m, cc,
 * e} (layouts/depthwise.py). */
/* Input row iy of the group channels into a ring slot (rows outside: the zero point). */
static void te_dw_ring_load(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                            int32_t c4, int32_t iy, int32_t pad_l, int32_t pitch, int16_t zp,
                            int16_t *slot) {
    const int32_t x1 = in_w < pitch - pad_l ? in_w : pitch - pad_l;
    int32_t x, g;
    if (iy < 0 || iy >= in_h) {
        for (g = 0; g < c4; ++g) {
            int16_t *d = slot + g * pitch + pad_l;
            for (x = 0; x < x1; ++x) {
                d[x] = zp;
            }
        }
        return;
    }
    for (x = 0; x < x1; ++x) {
        const int8_t *src = in + (iy * in_w + x) * c;
        int16_t *d = slot + pad_l + x;
        for (g = 0; g < c4; g += 4, src += 4, d += 4 * pitch) {
            const uint32_t v = te_ld32(src);
            const uint32_t e = __sxtb16(v), o = te_sxtb16_ror8(v);
            d[0] = (int16_t)e;
            d[2 * pitch] = (int16_t)(e >> 16);
            d[pitch] = (int16_t)o;
            d[3 * pitch] = (int16_t)(o >> 16);
        }
    }
}

TE_INLINE void te_dw_ring_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                               const uint32_t *wr, const int32_t *rr, int32_t stride_h,
                               int32_t stride_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                               int32_t out_h, int32_t out_w, int32_t in_off, const int8_t *w,
                               const int32_t *bias, int32_t out_off, const int32_t *mult,
                               const int32_t *shift, int32_t clamp, int32_t lo, int32_t hi,
                               int8_t *scratch) {
    const int32_t c4 = c & ~3, pitch = te_dw_ring_pitch(out_w, stride_w);
    const int32_t slot_hw = c4 * pitch;
    int16_t *const ring = (int16_t *)(void *)scratch;
    int32_t acc[TE_DW_RING_MAX_W + 1];
    int32_t oy, ox, ch, next = -pad_t;
    te_dw_fill_zp(scratch, 3 * slot_hw / 2, in_off);
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t y0 = oy * stride_h - pad_t;
        int32_t s0, s1, s2;
        int8_t *po = out + oy * out_w * c;
        if (next < y0) {
            next = y0;
        }
        for (; next <= y0 + 2; ++next) {
            te_dw_ring_load(in, in_h, in_w, c, c4, next, pad_l, pitch, (int16_t)(-in_off),
                            ring + ((next % 3 + 3) % 3) * slot_hw);
        }
        if (c4 < c) {               /* the last channels, before this row's outputs land */
            int32_t ky0, ky1, kx0, kx1;
            te_dw_valid(y0, 1, 3, in_h, &ky0, &ky1);
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * stride_w - pad_l;
                te_dw_valid(x0, 1, 3, in_w, &kx0, &kx1);
                te_dw_tail_px(in + (y0 * in_w + x0) * c, c, in_w * c, c4, c, 3, ky0, ky1, kx0,
                              kx1, in_off, w, bias, out_off, mult, shift, lo, hi,
                              po + ox * c);
            }
        }
        s0 = ((y0 % 3 + 3) % 3) * slot_hw;
        s1 = (((y0 + 1) % 3 + 3) % 3) * slot_hw;
        s2 = (((y0 + 2) % 3 + 3) % 3) * slot_hw;
        for (ch = 0; ch < c4; ++ch, po += 1) {
            const int32_t *q = rr + 4 * ch;
            te_dw_ring_row((const uint32_t *)(const void *)(ring + s0 + ch * pitch),
                           (const uint32_t *)(const void *)(ring + s1 + ch * pitch),
                           (const uint32_t *)(const void *)(ring + s2 + ch * pitch), stride_w,
                           wr + TE_DW_RING_TAP_WORDS * ch, q[0], acc, out_w, 0);
            te_dw_ring_out(acc, out_w, q, po, c, clamp, lo, hi);
        }
    }
}

void te_depthwise_conv_2d_ring_dsp(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                                   const uint32_t *wr, const int32_t *rr, int32_t stride_h,
                                   int32_t stride_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                                   int32_t out_h, int32_t out_w, int32_t in_off,
                                   const int8_t *w, const int32_t *bias, int32_t out_off,
                                   const int32_t *mult, const int32_t *shift, int32_t act_min,
                                   int32_t act_max, int8_t *scratch) {
#define TE_CALL(clamp)                                                                    \
    te_dw_ring_body(in, in_h, in_w, c, wr, rr, stride_h, stride_w, pad_t, pad_l, out, out_h,   \
                    out_w, in_off, w, bias, out_off, mult, shift, clamp, act_min, act_max,   \
                    scratch)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}
/* ---- In place, planar: 3x3 stride 1, channel by channel through one padded int16 plane ------
 * Each channel of the four-channel groups is copied into the scratch plane (the border holds
 * the input zero point, written once), then its outputs are made from the plane row by row as
 * in the ring kernel (two adjacent outputs per pair of input halfwords) and written over the
 * channel's own input bytes only. With `transposed` the plane holds the channel's columns as
 * rows (its taps transposed by the host, layouts/depthwise.py), so that rows run along the
 * longer side: kws's 25 x 5 planes give rows of 25 outputs, not 5. wr, rr as the ring kernel's;
 * the c % 4 last channels go through te_depthwise_conv_2d_inplace_tail_s8. */
void te_depthwise_conv_2d_inplace_planar_dsp(
        int8_t *buf, int32_t in_h, int32_t in_w, int32_t c, const int8_t *w, const int32_t *bias,
        int32_t pad_t, int32_t pad_l, int32_t out_h, int32_t out_w, int32_t in_off,
        int32_t out_off, const int32_t *mult, const int32_t *shift, int32_t act_min,
        int32_t act_max, int8_t *scratch, const uint32_t *wr, const int32_t *rr,
        int32_t transposed) {
    /* plane geometry: rows along the output's longer side */
    const int32_t rows = transposed ? out_w : out_h, len = transposed ? out_h : out_w;
    const int32_t r_in = transposed ? in_w : in_h, l_in = transposed ? in_h : in_w;
    const int32_t r_pad = transposed ? pad_l : pad_t, l_pad = transposed ? pad_t : pad_l;
    const int32_t pitch = te_dw_ring_pitch(len, 1), ph = rows + 2;
    const int32_t step_r = transposed ? c : in_w * c, step_l = transposed ? in_w * c : c;
    const int32_t o_r = transposed ? c : out_w * c, o_l = transposed ? out_w * c : c;
    const int32_t c4 = c & ~3, clamp = te_clamp_mode(act_min, act_max);
    const int32_t l1 = l_in < pitch - l_pad ? l_in : pitch - l_pad;
    const int32_t r1 = r_in < ph - r_pad ? r_in : ph - r_pad;
    int16_t *const plane = (int16_t *)(void *)scratch;
    int32_t acc[TE_DW_RING_MAX_W + 1];
    int32_t ch, r, x;
    te_dw_fill_zp(scratch, ph * pitch / 2, in_off);
    for (ch = 0; ch < c4; ++ch) {
        const int32_t *q = rr + 4 * ch;
        for (r = 0; r < r1; ++r) {          /* the channel's input into the plane */
            const int8_t *src = buf + r * step_r + ch;
            int16_t *d = plane + (r + r_pad) * pitch + l_pad;
            for (x = 0; x < l1; ++x, src += step_l) {
                d[x] = *src;
            }
        }
        for (r = 0; r < rows; ++r) {
            const int16_t *p0 = plane + r * pitch;
            te_dw_ring_row((const uint32_t *)(const void *)p0,
                           (const uint32_t *)(const void *)(p0 + pitch),
                           (const uint32_t *)(const void *)(p0 + 2 * pitch), 1,
                           wr + TE_DW_RING_TAP_WORDS * ch,
                           q[0], acc, len, 0);
            te_dw_ring_out(acc, len, q, buf + r * o_r + ch, o_l, clamp, act_min, act_max);
        }
    }
    te_depthwise_conv_2d_inplace_tail_s8(buf, in_h, in_w, c, w, bias, 3, 3, 1, 1, 1, 1, pad_t,
                                         pad_l, out_h, out_w, in_off, out_off, mult, shift,
                                         act_min, act_max, scratch, c4);
}
/* ---- One-dimensional maps: a FIR per channel -----------------------------------------------
 * 1 x L x 1 x C (k x 1 taps) or 1 x 1 x L x C (1 x k): a sequence of L pixels of C channels.
 * Channel by channel, the channel's bytes (stride C) are widened into one int16 row of
 * `scratch` (te_dw_fir_pitch halfwords, the padding columns holding the input zero point,
 * whose share the folded bias removes), then the row goes through the taps: at stride 1 and
 * dilation 1 two adjacent outputs share every pair of taps (SMLAD against the pairs at x and
 * x + 1, unaligned loads), else one output per pass (dilated taps paired with PKHBT). A
 * channel's outputs overwrite nothing but its own bytes, after they are in the scratch, so
 * `out` may be `in` (in place; the planner's channel_inplace pattern has groups of four).
 * wf: per channel ceil(k / 2) words, the doubled taps as int16 pairs (w0 w1) (w2 w3) .., 0
 * past the last; rf: per channel {2 * folded bias, m, cc, e} (layouts/depthwise.py fir_taps,
 * ring_rq). */
TE_INLINE uint32_t te_ld32_h(const int16_t *p) {    /* halfwords p[0], p[1] */
    return te_ld32((const int8_t *)(const void *)p);
}

/* n bytes src[0], src[c], .. into int16 d[0..n): once d is aligned, four at a time (two
 * words), then a word and a halfword */
TE_INLINE void te_dw_fir_widen(const int8_t *src, int32_t c, int32_t n, int16_t *d) {
    int16_t *const end = d + n;
    const int32_t c2 = 2 * c, c3 = 3 * c, c4 = 4 * c;
    if (((uintptr_t)d & 2) != 0 && d < end) {
        *d++ = *src;
        src += c;
    }
    for (; d + 4 <= end; d += 4, src += c4) {
        uint32_t *const dw = (uint32_t *)(void *)d;
        dw[0] = te_pkhbt16(src[0], src[c]);
        dw[1] = te_pkhbt16(src[c2], src[c3]);
    }
    if (d + 2 <= end) {
        *(uint32_t *)(void *)d = te_pkhbt16(src[0], src[c]);
        d += 2;
        src += c2;
    }
    if (d < end) {
        *d = *src;
    }
}

TE_INLINE int32_t te_dw_fir_dot(const int16_t *x, const uint32_t *w, int32_t k, int32_t dil,
                                int32_t acc) {
    const int32_t kp = k >> 1;
    int32_t t;
    if (dil == 1) {             /* an odd last tap reads one halfword past, times 0 */
        for (t = 0; t < (k + 1) >> 1; ++t) {
            acc = __smlad(te_ld32_h(x + 2 * t), w[t], acc);
        }
        return acc;
    }
    for (t = 0; t < kp; ++t, x += 2 * dil) {
        acc = __smlad(te_pkhbt16(x[0], x[dil]), w[t], acc);
    }
    return k & 1 ? __smlabb(x[0], w[kp], acc) : acc;
}

/* A channel's outputs from its row x, stride 1, dilation 1, its kp (1..8, a
 * constant in each specialisation) tap pairs in registers w0..w7: pairs of outputs, then the
 * odd last one. */
#define TE_FIR_W(t) const uint32_t w##t = kp > (t) ? wf[t] : 0
#define TE_FIR_PAIR(t)                                                                    \
    if (kp > (t)) {                                                                       \
        a0 = __smlad(te_ld32_h(x + 2 * (t)), w##t, a0);                                   \
        a1 = __smlad(te_ld32_h(x + 2 * (t) + 1), w##t, a1);                               \
    }
#define TE_FIR_ONE(t)                                                                     \
    if (kp > (t)) {                                                                       \
        a0 = __smlad(te_ld32_h(x + 2 * (t)), w##t, a0);                                   \
    }
#define TE_FIR_PAIRS()                                                                    \
    TE_FIR_PAIR(0) TE_FIR_PAIR(1) TE_FIR_PAIR(2) TE_FIR_PAIR(3) TE_FIR_PAIR(4)            \
    TE_FIR_PAIR(5) TE_FIR_PAIR(6) TE_FIR_PAIR(7)
TE_INLINE void te_dw_fir_row(const int16_t *x, const uint32_t *wf, const int32_t *q,
                             int32_t kp, int8_t *o, int32_t len_out, int32_t c, int32_t clamp,
                             int32_t lo, int32_t hi) {
    const int32_t b2 = q[0], m = q[1], cc = q[2], e = q[3];
    int8_t *const end = o + (len_out - 1) * c;
    TE_FIR_W(0); TE_FIR_W(1); TE_FIR_W(2); TE_FIR_W(3);
    TE_FIR_W(4); TE_FIR_W(5); TE_FIR_W(6); TE_FIR_W(7);
    for (; o < end; x += 2, o += 2 * c) {
        int32_t a0 = b2, a1 = b2;
        TE_FIR_PAIRS()
        o[0] = te_sat_fast(te_rq_fast(a0, m, cc, e), clamp, lo, hi);
        o[c] = te_sat_fast(te_rq_fast(a1, m, cc, e), clamp, lo, hi);
    }
    if (o == end) {             /* the odd last output */
        int32_t a0 = b2;
        TE_FIR_ONE(0) TE_FIR_ONE(1) TE_FIR_ONE(2) TE_FIR_ONE(3)
        TE_FIR_ONE(4) TE_FIR_ONE(5) TE_FIR_ONE(6) TE_FIR_ONE(7)
        *o = te_sat_fast(te_rq_fast(a0, m, cc, e), clamp, lo, hi);
    }
}
#undef TE_FIR_PAIRS
#undef TE_FIR_PAIR
#undef TE_FIR_ONE
#undef TE_FIR_W

/* Any stride and dilation: one output a pass. */
TE_INLINE void te_dw_fir_strided(const int16_t *x, const uint32_t *wf, const int32_t *q,
                                 int32_t k, int32_t stride, int32_t dil, int8_t *o,
                                 int32_t len_out, int32_t c, int32_t clamp, int32_t lo,
                                 int32_t hi) {
    const int32_t b2 = q[0], m = q[1], cc = q[2], e = q[3];
    int8_t *const end = o + len_out * c;
    for (; o < end; x += stride, o += c) {
        *o = te_sat_fast(te_rq_fast(te_dw_fir_dot(x, wf, k, dil, b2), m, cc, e), clamp, lo,
                         hi);
    }
}

TE_INLINE void te_dw_fir_body(const int8_t *in, int32_t len_in, int32_t c, const uint32_t *wf,
                              const int32_t *rf, int32_t k, int32_t stride, int32_t dil,
                              int32_t pad, int8_t *out, int32_t len_out, int32_t in_off,
                              int32_t clamp, int32_t lo, int32_t hi, int8_t *scratch) {
    const int32_t pitch = te_dw_fir_pitch(len_out, k, stride, dil), kp = (k + 1) >> 1;
    const int32_t x1 = len_in < pitch - pad ? len_in : pitch - pad;
    int16_t *const row = (int16_t *)(void *)scratch;
    int32_t ch;
    te_dw_fill_zp(scratch, pitch / 2, in_off);
    for (ch = 0; ch < c; ++ch) {
        const uint32_t *const w = wf + ch * kp;
        te_dw_fir_widen(in + ch, c, x1, row + pad);
#define TE_FIR(KP)                                                                        \
    te_dw_fir_row(row, w, rf + 4 * ch, KP, out + ch, len_out, c, clamp, lo, hi)
        switch (stride == 1 && dil == 1 ? kp : 0) {   /* the tap pairs in registers */
        case 1: TE_FIR(1); break;
        case 2: TE_FIR(2); break;
        case 3: TE_FIR(3); break;
        case 4: TE_FIR(4); break;
        case 5: TE_FIR(5); break;
        case 6: TE_FIR(6); break;
        case 7: TE_FIR(7); break;
        case 8: TE_FIR(8); break;
        default:
            te_dw_fir_strided(row, w, rf + 4 * ch, k, stride, dil, out + ch, len_out, c, clamp,
                              lo, hi);
            break;
        }
#undef TE_FIR
    }
}

void te_depthwise_conv_2d_fir_dsp(const int8_t *in, int32_t len_in, int32_t c,
                                  const uint32_t *wf, const int32_t *rf, int32_t k,
                                  int32_t stride, int32_t dil, int32_t pad, int8_t *out,
                                  int32_t len_out, int32_t in_off, int32_t act_min,
                                  int32_t act_max, int8_t *scratch) {
#define TE_CALL(clamp)                                                                    \
    te_dw_fir_body(in, len_in, c, wf, rf, k, stride, dil, pad, out, len_out, in_off, clamp,  \
                   act_min, act_max, scratch)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}
#endif
