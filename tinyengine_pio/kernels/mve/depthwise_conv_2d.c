/* DEPTHWISE_CONV_2D with Helium (TE_MVE): one pixel of a four-channel group as one vector,
 * the entries te_depthwise_conv_2d_mve / _inplace_mve from depthwise_conv_2d_fast.h. */
#include "depthwise_conv_2d.h"
#include "te_asm.h"
#include "te_isa.h"

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
 * gathered in that order, VMUL and VADD: 4 instructions for 4 MACs a tap, 3x3 unrolled
 * (TE_DW3_MVE_ASM, te_asm.h); the rq vectors gathered likewise, the requantization as
 * te_rq_fast per lane, one scatter store. */
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
        TE_DW3_MVE_ASM();
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
#define TE_DW_ISA(name) name##_mve
#include "depthwise_conv_2d_fast.h"

/* A 3x3 stride-1 depthwise op planned out of place whose DSP build runs the planar ring (the
 * planner withheld its in-place pin, planner/policy.py _keep_planar): its Helium build moves
 * the input into `buf` (te_move_mve: they may overlap) and runs the in-place kernel there, all
 * pixels interior, as the pin would have (the plain kernel's border pixels dominate on small
 * planes). */
/* memmove with 16-byte predicated vectors: forward where dst precedes src, else backward
 * (each block is loaded before the store that may overlap it). */
static void te_move_mve(int8_t *dst, const int8_t *src, int32_t n) {
    int32_t i;
    if (dst < src) {
        for (i = 0; i < n; i += 16) {
            const mve_pred16_t q = vctp8q((uint32_t)(n - i));
            vst1q_p_s8(dst + i, vld1q_z_s8(src + i, q), q);
        }
    } else if (dst > src) {
        for (i = (n - 1) & ~15; i >= 0; i -= 16) {
            const mve_pred16_t q = vctp8q((uint32_t)(n - i));
            vst1q_p_s8(dst + i, vld1q_z_s8(src + i, q), q);
        }
    }
}

void te_depthwise_conv_2d_moved_mve(const int8_t *in, int32_t bytes, int8_t *buf, int32_t in_h,
                                    int32_t in_w, int32_t c, const int8_t *w,
                                    const int32_t *bias, int32_t pad_t, int32_t pad_l,
                                    int32_t in_off, int32_t out_off, const int32_t *mult,
                                    const int32_t *shift, int32_t act_min, int32_t act_max,
                                    int8_t *scratch, const uint32_t *wx, const int32_t *rq) {
    te_move_mve(buf, in, bytes);
    te_depthwise_conv_2d_inplace_mve(buf, in_h, in_w, c, w, bias, 3, 3, 1, 1, 1, 1, pad_t, pad_l,
                                     in_h, in_w, in_off, out_off, mult, shift, act_min, act_max,
                                     scratch, wx, rq);
}
#endif
