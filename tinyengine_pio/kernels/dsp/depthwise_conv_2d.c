/* DEPTHWISE_CONV_2D with the DSP extension (TE_FAST builds without Helium): one pixel of a
 * four-channel group with SXTB16 and SMLABB / SMLATT (3x3 unrolled in asm, te_asm.h), the
 * entries te_depthwise_conv_2d_dsp / _inplace_dsp from depthwise_conv_2d_fast.h. */
#include "depthwise_conv_2d.h"
#include "te_isa.h"

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

#define TE_DW_PX te_dw_fast_px
#define TE_DW_BORDER_PX te_dw_border_px
#define TE_DW_ISA(name) name##_dsp
#include "depthwise_conv_2d_fast.h"
#endif
