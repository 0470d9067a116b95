/* DEPTHWISE_CONV_2D int8, NHWC, filter 1HW(C*M); output channel c*M+m reads input channel c.
 * Portable C, bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel. */
#include <string.h>

#include "depthwise_conv_2d.h"
#include "te_common.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
/* one tap for four channels, offset already in the bias: a_k += x_k * w_k */
#define TE_DW_TAP(px, t)                                                                  \
    do {                                                                                  \
        const uint32_t x_ = te_ld32(px), v_ = te_ld32(wp + (t) * w_pitch);         \
        const uint32_t xe_ = __sxtb16(x_), xo_ = te_sxtb16_ror8(x_);                   \
        const uint32_t we_ = __sxtb16(v_), wo_ = te_sxtb16_ror8(v_);                   \
        a0 = __smlabb(xe_, we_, a0);                                                      \
        a2 = __smlatt(xe_, we_, a2);                                                      \
        a1 = __smlabb(xo_, wo_, a1);                                                      \
        a3 = __smlatt(xo_, wo_, a3);                                                      \
    } while (0)
#endif

/* First and one-past-last kernel index whose input coordinate lies in [0, size). */
static inline void te_dw_valid(int32_t origin, int32_t dil, int32_t k, int32_t size,
                               int32_t *k0, int32_t *k1) {
    int32_t a = 0, b = k;
    if (dil == 1) {                      /* closed form */
        a = origin < 0 ? -origin : 0;
        b = size - origin < k ? size - origin : k;
        *k0 = a < k ? a : k;
        *k1 = b > *k0 ? b : *k0;
        return;
    }
    while (a < k && origin + dil * a < 0) {
        ++a;
    }
    while (b > a && origin + dil * (b - 1) >= size) {
        --b;
    }
    *k0 = a;
    *k1 = b;
}

#if TE_FAST
#define TE_DW_RQ 20                     /* rq words per group: see te_dw_fast_px */
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

/* One 3x3 tap for four channels: x = the tap's input word, (we, wo) its doubled weights. */
#define TE_DW3_TAP(addr)                                                                  \
    "ldr %[x], " addr "\n\t"                                                              \
    "sxtb16 %[xe], %[x]\n\t"                                                              \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                       \
    "ldrd %[we], %[wo], [%[w]], #8\n\t"                                                   \
    "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                                               \
    "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                                               \
    "smlabb %[a1], %[x], %[wo], %[a1]\n\t"                                                \
    "smlatt %[a3], %[x], %[wo], %[a3]\n\t"
#define TE_DW3_ROW TE_DW3_TAP("[%[p]]") TE_DW3_TAP("[%[p], %[xp]]")                         \
    TE_DW3_TAP("[%[p], %[xp], lsl #1]")

TE_INLINE void te_dw_fast_px(const int8_t *r0, int32_t xp, int32_t yp, const uint32_t *wg,
                             const int32_t *rq, int32_t k_h, int32_t k_w, int8_t *po,
                             int32_t clamp, int32_t lo, int32_t hi) {
    int32_t a0 = rq[0], a1 = rq[1], a2 = rq[2], a3 = rq[3];
    if (k_h == 3 && k_w == 3) {         /* 8 instructions a tap: 36 MACs in 74 */
        const int8_t *p = r0;
        const uint32_t *w = wg;
        uint32_t x, xe, we, wo;
        __asm__ volatile(TE_DW3_ROW "add %[p], %[p], %[yp]\n\t" TE_DW3_ROW
                         "add %[p], %[p], %[yp]\n\t" TE_DW3_ROW
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                           [p] "+r"(p), [w] "+r"(w), [x] "=&r"(x), [xe] "=&r"(xe),
                           [we] "=&r"(we), [wo] "=&r"(wo)
                         : [xp] "r"(xp), [yp] "r"(yp)
                         : "memory");
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

#if TE_MVE
/* Requantize a group's four sums (lanes in the (0, 2, 1, 3) order) as te_rq_fast per lane
 * (VRMULH = SMMULR), clamp, scatter the bytes to po. */
TE_INLINE void te_dw_mve_store(int32x4_t acc, const int32_t *rq, int8_t *po, int32_t lo,
                               int32_t hi) {
    const uint32x4_t perm = {0, 2, 1, 3};
    int32x4_t y = vaddq_s32(vrmulhq_s32(acc, vldrwq_gather_shifted_offset_s32(rq + 4, perm)),
                            vldrwq_gather_shifted_offset_s32(rq + 8, perm));
    y = vshlq_s32(vaddq_s32(y, vshrq_n_s32(acc, 31)),
                  vnegq_s32(vldrwq_gather_shifted_offset_s32(rq + 12, perm)));
    y = vminq_s32(vmaxq_s32(y, vdupq_n_s32(lo)), vdupq_n_s32(hi));
    vstrbq_scatter_offset_s32(po, perm, y);
}

/* te_dw_fast_px with Helium: the group's four channels as the lanes of one vector in the
 * host's (0, 2, 1, 3) order of the doubled weights (one VLDRH a tap), the input bytes
 * gathered in that order, VMUL and VADD (MVE's VMLA takes a scalar): 4 instructions for 4
 * MACs a tap, 3x3 unrolled; the rq vectors gathered likewise, the requantization as
 * te_rq_fast per lane, one scatter store. */
#define TE_DW3_MVE_TAP(o)                                                                 \
    "vldrb.s32 %q[x], [%[p], %q[" o "]]\n\t"                                                 \
    "vldrh.s32 %q[wv], [%[w]], #8\n\t"                                                    \
    "vmul.i32 %q[x], %q[x], %q[wv]\n\t"                                                    \
    "vadd.i32 %q[acc], %q[acc], %q[x]\n\t"
#define TE_DW3_MVE_ROW TE_DW3_MVE_TAP("o0") TE_DW3_MVE_TAP("o1") TE_DW3_MVE_TAP("o2")
TE_INLINE void te_dw_mve_px(const int8_t *r0, int32_t xp, int32_t yp, const uint32_t *wg,
                            const int32_t *rq, int32_t k_h, int32_t k_w, int8_t *po,
                            int32_t lo, int32_t hi) {
    const uint32x4_t perm = {0, 2, 1, 3};
    int32x4_t acc = vldrwq_gather_shifted_offset_s32(rq, perm);
    const int16_t *w = (const int16_t *)(const void *)wg;
    int32_t ky, kx;
    if (k_h == 3 && k_w == 3) {         /* the taps of a row: offsets perm, +xp, +2 xp; the
                                         * widening VLDRH needs a low register (l) */
        const int8_t *p = r0;
        const uint32x4_t o1 = vaddq_n_u32(perm, (uint32_t)xp), o2 = vaddq_n_u32(o1, (uint32_t)xp);
        int32x4_t x, wv;
        __asm__ volatile(TE_DW3_MVE_ROW "add %[p], %[p], %[yp]\n\t" TE_DW3_MVE_ROW
                         "add %[p], %[p], %[yp]\n\t" TE_DW3_MVE_ROW
                         : [acc] "+w"(acc), [x] "=&w"(x), [wv] "=&w"(wv), [p] "+r"(p),
                           [w] "+l"(w)
                         : [o0] "w"(perm), [o1] "w"(o1), [o2] "w"(o2), [yp] "r"(yp)
                         : "memory");
    } else {
        for (ky = 0; ky < k_h; ++ky) {
            const int8_t *px = r0 + ky * yp;
            for (kx = 0; kx < k_w; ++kx, px += xp, w += 4) {
                acc = vaddq_s32(acc, vmulq_s32(vldrbq_gather_offset_s32(px, perm), vldrhq_s32(w)));
            }
        }
    }
    te_dw_mve_store(acc, rq, po, lo, hi);
}

/* te_dw_border_px with Helium: the taps inside, the input offset added to each. */
TE_INLINE void te_dw_mve_border_px(const int8_t *r0, int32_t xp, int32_t yp,
                                   const uint32_t *wg, const int32_t *rq, int32_t k_w,
                                   int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                                   int32_t in_off, int8_t *po, int32_t lo, int32_t hi) {
    const uint32x4_t perm = {0, 2, 1, 3};
    int32x4_t acc = vldrwq_gather_shifted_offset_s32(rq + 16, perm);
    int32_t ky, kx;
    for (ky = ky0; ky < ky1; ++ky) {
        const int8_t *px = r0 + ky * yp + kx0 * xp;
        const int16_t *w = (const int16_t *)(const void *)wg + 4 * (ky * k_w + kx0);
        for (kx = kx0; kx < kx1; ++kx, px += xp, w += 4) {
            const int32x4_t x = vaddq_n_s32(vldrbq_gather_offset_s32(px, perm), in_off);
            acc = vaddq_s32(acc, vmulq_s32(x, vldrhq_s32(w)));
        }
    }
    te_dw_mve_store(acc, rq, po, lo, hi);
}
#define TE_DW_PX(r0, xp, yp, wg, rq, k_h, k_w, po, clamp, lo, hi)                         \
    ((void)(clamp), te_dw_mve_px(r0, xp, yp, wg, rq, k_h, k_w, po, lo, hi))
#define TE_DW_BORDER_PX(r0, xp, yp, wg, rq, k_w, ky0, ky1, kx0, kx1, off2, po, clamp, lo, hi) \
    ((void)(clamp), te_dw_mve_border_px(r0, xp, yp, wg, rq, k_w, ky0, ky1, kx0, kx1,          \
                                        (int16_t)((off2) & 0xFFFFu), po, lo, hi))
#else
#define TE_DW_PX te_dw_fast_px
#define TE_DW_BORDER_PX te_dw_border_px
#endif

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

/* Depth multiplier 1 in the plain kernel's order (pixel by pixel, so the planner's in-scan
 * overlap of input and output holds): the four-channel groups of an interior pixel through
 * te_dw_fast_px, of a border pixel through te_dw_border_px; the c % 4 tail channels with the
 * portable arithmetic (w, bias, mult, shift). */
TE_INLINE void te_dw_fast_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                               const uint32_t *wx, const int32_t *rq, int32_t k_h, int32_t k_w,
                               int32_t stride_h, int32_t stride_w, int32_t dil_h,
                               int32_t dil_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                               int32_t out_h, int32_t out_w, int32_t in_off, const int8_t *w,
                               const int32_t *bias, int32_t out_off, const int32_t *mult,
                               const int32_t *shift, int32_t clamp, int32_t lo, int32_t hi) {
    const uint32_t off2 = ((uint32_t)(uint16_t)in_off << 16) | (uint16_t)in_off;
    const int32_t xp = dil_w * c, yp = dil_h * in_w * c, span_w = dil_w * (k_w - 1);
    const int32_t groups = c >> 2, taps2 = 2 * k_h * k_w;
    int32_t g, oy, ox, ky, kx, ky0, ky1, kx0, kx1, t;
    int8_t *po = out;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        int32_t ix0 = -pad_l;
        te_dw_valid(iy0, dil_h, k_h, in_h, &ky0, &ky1);
        for (ox = 0; ox < out_w; ++ox, ix0 += stride_w, po += c) {
            const int8_t *r0 = in + (iy0 * in_w + ix0) * c;
            if (ky0 == 0 && ky1 == k_h && ix0 >= 0 && ix0 + span_w < in_w) {
                kx0 = 0;
                kx1 = k_w;
                for (g = 0; g < groups; ++g) {
                    TE_DW_PX(r0 + 4 * g, xp, yp, wx + g * taps2, rq + g * TE_DW_RQ, k_h, k_w,
                             po + 4 * g, clamp, lo, hi);
                }
            } else {
                te_dw_valid(ix0, dil_w, k_w, in_w, &kx0, &kx1);
                for (g = 0; g < groups; ++g) {
                    TE_DW_BORDER_PX(r0 + 4 * g, xp, yp, wx + g * taps2, rq + g * TE_DW_RQ, k_w,
                                    ky0, ky1, kx0, kx1, off2, po + 4 * g, clamp, lo, hi);
                }
            }
            for (t = 4 * groups; t < c; ++t) {
                int32_t acc = bias[t];
                for (ky = ky0; ky < ky1; ++ky) {
                    for (kx = kx0; kx < kx1; ++kx) {
                        acc += (r0[ky * yp + kx * xp + t] + in_off) * w[(ky * k_w + kx) * c + t];
                    }
                }
                po[t] = te_out8(acc, mult[t], shift[t], out_off, lo, hi);
            }
        }
    }
}

static void te_dw_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                       const uint32_t *wx, const int32_t *rq, int32_t k_h, int32_t k_w,
                       int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                       int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                       int32_t in_off, const int8_t *w, const int32_t *bias, int32_t out_off,
                       const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
#define TE_CALL(clamp)                                                                    \
    te_dw_fast_body(in, in_h, in_w, c, wx, rq, k_h, k_w, stride_h, stride_w, dil_h, dil_w,   \
                    pad_t, pad_l, out, out_h, out_w, in_off, w, bias, out_off, mult, shift,   \
                    clamp, lo, hi)
    TE_BY_CLAMP(lo, hi, TE_CALL);
#undef TE_CALL
}
#endif

/* Depth multiplier 1 over n channels: input pixels `in_pitch` bytes apart, output pixels
 * `out_pitch` bytes apart, weights `w_pitch` bytes per tap (channel c at offset c in each). */
static void te_dw_core(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_pitch, int32_t n,
                       const int8_t *w, int32_t w_pitch, const int32_t *bias,
                       const int32_t *bias_full, int32_t k_h,
                       int32_t k_w, int32_t stride_h, int32_t stride_w, int32_t dil_h,
                       int32_t dil_w, int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                       int32_t out_w, int32_t out_pitch, int32_t in_off, int32_t out_off,
                       const int32_t *mult, const int32_t *shift, int32_t act_min,
                       int32_t act_max) {
    int32_t oy, ox, ky, kx, ky0, ky1, kx0, kx1;
    (void)bias_full;   /* used by the DSP interior path only */
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        te_dw_valid(iy0, dil_h, k_h, in_h, &ky0, &ky1);
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * stride_w - pad_l;
            int8_t *po = out + (oy * out_w + ox) * out_pitch;
            int32_t c = 0;
            te_dw_valid(ix0, dil_w, k_w, in_w, &kx0, &kx1);
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
            if (!TE_OPTIMIZE_SIZE && k_h == 3 && k_w == 3 && dil_h == 1 && dil_w == 1 &&
                ky0 == 0 && ky1 == 3 && kx0 == 0 && kx1 == 3) {
                /* interior 3x3: every tap valid, so the input offset is folded into
                 * bias_full and the nine taps are unrolled */
                const int32_t row = in_w * in_pitch;
                for (; c + 4 <= n; c += 4) {
                    const int8_t *r0 = in + (iy0 * in_w + ix0) * in_pitch + c;
                    const int8_t *wp = w + c;
                    int32_t a0 = bias_full[c], a1 = bias_full[c + 1];
                    int32_t a2 = bias_full[c + 2], a3 = bias_full[c + 3];
                    TE_DW_TAP(r0, 0);
                    TE_DW_TAP(r0 + in_pitch, 1);
                    TE_DW_TAP(r0 + 2 * in_pitch, 2);
                    TE_DW_TAP(r0 + row, 3);
                    TE_DW_TAP(r0 + row + in_pitch, 4);
                    TE_DW_TAP(r0 + row + 2 * in_pitch, 5);
                    TE_DW_TAP(r0 + 2 * row, 6);
                    TE_DW_TAP(r0 + 2 * row + in_pitch, 7);
                    TE_DW_TAP(r0 + 2 * row + 2 * in_pitch, 8);
                    po[c] = te_out8(a0, mult[c], shift[c], out_off, act_min, act_max);
                    po[c + 1] = te_out8(a1, mult[c + 1], shift[c + 1], out_off, act_min, act_max);
                    po[c + 2] = te_out8(a2, mult[c + 2], shift[c + 2], out_off, act_min, act_max);
                    po[c + 3] = te_out8(a3, mult[c + 3], shift[c + 3], out_off, act_min, act_max);
                }
            }
            {
                /* four channels per step: SXTB16 splits even/odd channels into int16 lanes,
                 * SADD16 adds the input offset, SMLABB/SMLATT accumulate each lane */
                const uint32_t off2 = ((uint32_t)(uint16_t)in_off << 16) | (uint16_t)in_off;
                for (; c + 4 <= n; c += 4) {
                    int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
                    for (ky = ky0; ky < ky1; ++ky) {
                        const int8_t *row = in + ((iy0 + dil_h * ky) * in_w + ix0) * in_pitch + c;
                        const int8_t *wr = w + ky * k_w * w_pitch + c;
                        for (kx = kx0; kx < kx1; ++kx) {
                            const uint32_t x = te_ld32(row + dil_w * kx * in_pitch);
                            const uint32_t v = te_ld32(wr + kx * w_pitch);
                            const uint32_t xe = __sadd16(__sxtb16(x), off2);
                            const uint32_t xo = __sadd16(te_sxtb16_ror8(x), off2);
                            const uint32_t we = __sxtb16(v), wo = te_sxtb16_ror8(v);
                            a0 = __smlabb(xe, we, a0);
                            a2 = __smlatt(xe, we, a2);
                            a1 = __smlabb(xo, wo, a1);
                            a3 = __smlatt(xo, wo, a3);
                        }
                    }
                    po[c] = te_out8(a0, mult[c], shift[c], out_off, act_min, act_max);
                    po[c + 1] = te_out8(a1, mult[c + 1], shift[c + 1], out_off, act_min, act_max);
                    po[c + 2] = te_out8(a2, mult[c + 2], shift[c + 2], out_off, act_min, act_max);
                    po[c + 3] = te_out8(a3, mult[c + 3], shift[c + 3], out_off, act_min, act_max);
                }
            }
#endif
            for (; c < n; ++c) {
                int32_t acc = bias[c];
                for (ky = ky0; ky < ky1; ++ky) {
                    const int8_t *row = in + ((iy0 + dil_h * ky) * in_w + ix0) * in_pitch + c;
                    const int8_t *wr = w + ky * k_w * w_pitch + c;
                    for (kx = kx0; kx < kx1; ++kx) {
                        acc += (row[dil_w * kx * in_pitch] + in_off) * wr[kx * w_pitch];
                    }
                }
                po[c] = te_out8(acc, mult[c], shift[c], out_off, act_min, act_max);
            }
        }
    }
}

void te_depthwise_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                             int32_t depth_mult, int32_t stride_h, int32_t stride_w,
                             int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l,
                             int8_t *out, int32_t out_h, int32_t out_w,
                             int32_t in_off, int32_t out_off, const int32_t *mult,
                             const int32_t *shift, int32_t act_min, int32_t act_max,
                             const uint32_t *wx, const int32_t *rq) {
    const int32_t out_c = in_c * depth_mult;
    int32_t oy, ox, ic, m, ky, kx, ky0, ky1, kx0, kx1;
    (void)wx;
    (void)rq;
#if TE_FAST
    if (depth_mult == 1 && wx != NULL) {
        te_dw_fast(in, in_h, in_w, in_c, wx, rq, k_h, k_w, stride_h, stride_w, dil_h, dil_w,
                   pad_t, pad_l, out, out_h, out_w, in_off, w, bias, out_off, mult, shift,
                   act_min, act_max);
        return;
    }
#endif
    if (depth_mult == 1) {
        te_dw_core(in, in_h, in_w, in_c, in_c, w, in_c, bias, bias + in_c, k_h, k_w, stride_h,
                   stride_w,
                   dil_h, dil_w, pad_t, pad_l, out, out_h, out_w, out_c, in_off, out_off, mult,
                   shift, act_min, act_max);
        return;
    }
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        te_dw_valid(iy0, dil_h, k_h, in_h, &ky0, &ky1);
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * stride_w - pad_l;
            int8_t *po = out + (oy * out_w + ox) * out_c;
            te_dw_valid(ix0, dil_w, k_w, in_w, &kx0, &kx1);
            for (ic = 0; ic < in_c; ++ic) {
                for (m = 0; m < depth_mult; ++m) {
                    const int32_t oc = ic * depth_mult + m;
                    int32_t acc = bias[oc];
                    for (ky = ky0; ky < ky1; ++ky) {
                        const int8_t *row = in + ((iy0 + dil_h * ky) * in_w + ix0) * in_c + ic;
                        const int8_t *wr = w + ky * k_w * out_c + oc;
                        for (kx = kx0; kx < kx1; ++kx) {
                            acc += (row[dil_w * kx * in_c] + in_off) * wr[kx * out_c];
                        }
                    }
                    po[oc] = te_out8(acc, mult[oc], shift[oc], out_off, act_min, act_max);
                }
            }
        }
    }
}

void te_depthwise_conv_2d_inplace_s8(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                     const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                                     int32_t stride_h, int32_t stride_w, int32_t dil_h,
                                     int32_t dil_w, int32_t pad_t, int32_t pad_l,
                                     int32_t out_h, int32_t out_w, int32_t in_off, int32_t out_off,
                                     const int32_t *mult, const int32_t *shift, int32_t act_min,
                                     int32_t act_max, int8_t *scratch, const uint32_t *wx,
                                     const int32_t *rq) {
    int32_t c0 = 0, i, j;
    (void)wx;
    (void)rq;
#if TE_FAST
    if (wx != NULL) {
        const int32_t clamp = te_clamp_mode(act_min, act_max);
        /* each group's planes go to the scratch with the padding filled in (the input zero
         * point, which adds nothing once the offset is folded): every pixel is interior */
        const int32_t ph = (out_h - 1) * stride_h + dil_h * (k_h - 1) + 1;
        const int32_t pw = (out_w - 1) * stride_w + dil_w * (k_w - 1) + 1;
        const uint32_t zp4 = te_rep4(-in_off);
        const int32_t l = pad_l < pw ? pad_l : pw;
        const int32_t m = in_w < pw - l ? in_w : pw - l;
        int32_t oy, ox;
        for (; c0 + 4 <= c; c0 += 4) {
            uint32_t *d = (uint32_t *)(void *)scratch;
            for (i = 0; i < ph; ++i) {
                const int32_t iy = i - pad_t;
                if (iy < 0 || iy >= in_h) {
                    for (j = 0; j < pw; ++j) *d++ = zp4;
                    continue;
                }
                for (j = 0; j < l; ++j) *d++ = zp4;
                {
                    const int8_t *s = buf + iy * in_w * c + c0;
                    for (j = 0; j < m; ++j, s += c) *d++ = te_ld32(s);
                }
                for (j = l + m; j < pw; ++j) *d++ = zp4;
            }
            for (oy = 0; oy < out_h; ++oy) {
                const int8_t *r = scratch + oy * stride_h * pw * 4;
                int8_t *po = buf + oy * out_w * c + c0;
                for (ox = 0; ox < out_w; ++ox, r += stride_w * 4, po += c) {
                    TE_DW_PX(r, dil_w * 4, dil_h * pw * 4, wx + (c0 / 4) * k_h * k_w * 2,
                             rq + (c0 / 4) * TE_DW_RQ, k_h, k_w, po, clamp, act_min, act_max);
                }
            }
        }
    }
#endif
    for (; c0 < c; c0 += TE_DW_GROUP) {
        const int32_t n = c - c0 < TE_DW_GROUP ? c - c0 : TE_DW_GROUP;
        if (n == 4) {                                /* copy this group's channels out */
            for (i = 0; i < in_h * in_w; ++i) {
                memcpy(scratch + i * 4, buf + i * c + c0, 4);
            }
        } else {
            for (i = 0; i < in_h * in_w; ++i) {
                for (j = 0; j < n; ++j) {
                    scratch[i * n + j] = buf[i * c + c0 + j];
                }
            }
        }
        te_dw_core(scratch, in_h, in_w, n, n, w + c0, c, bias + c0, bias + c + c0, k_h, k_w,
                   stride_h, stride_w,
                   dil_h, dil_w, pad_t, pad_l, buf + c0, out_h, out_w, c, in_off, out_off,
                   mult + c0, shift + c0, act_min, act_max);
    }
}
