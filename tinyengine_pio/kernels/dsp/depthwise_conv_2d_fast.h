/* The fast DEPTHWISE_CONV_2D body (depth multiplier 1, operands as layouts/depthwise.py),
 * one text for dsp/depthwise_conv_2d.c and mve/depthwise_conv_2d.c: include it after
 * defining TE_DW_PX and TE_DW_BORDER_PX (one interior / border pixel of a four-channel group,
 * signatures of te_dw_fast_px / te_dw_border_px) and TE_DW_ISA(name) (the entries' suffix);
 * optionally TE_DW_PX_GROUPS (all groups of an interior 3x3 pixel, te_dw3_px_groups) and
 * TE_DW_ROW_PIXELS (an output row of one group in place, te_dw3_row_pixels). */
#ifndef TE_DEPTHWISE_CONV_2D_FAST_H_
#define TE_DEPTHWISE_CONV_2D_FAST_H_

/* Channels t0..c-1 of one output pixel (window at r0, taps ky0..ky1 x kx0..kx1 inside) with
 * the portable arithmetic: the c % 4 channels the four-channel groups leave. */
TE_INLINE void te_dw_tail_px(const int8_t *r0, int32_t xp, int32_t yp, int32_t t0, int32_t c,
                             int32_t k_w, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                             int32_t in_off, const int8_t *w, const int32_t *bias,
                             int32_t out_off, const int32_t *mult, const int32_t *shift,
                             int32_t lo, int32_t hi, int8_t *po) {
    int32_t t, ky, kx;
    for (t = t0; t < c; ++t) {
        int32_t acc = bias[t];
        for (ky = ky0; ky < ky1; ++ky) {
            for (kx = kx0; kx < kx1; ++kx) {
                acc += (r0[ky * yp + kx * xp + t] + in_off) * w[(ky * k_w + kx) * c + t];
            }
        }
        po[t] = te_out8(acc, mult[t], shift[t], out_off, lo, hi);
    }
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
    const int32_t groups = c >> 2, taps2 = TE_DW_TAP_WORDS * k_h * k_w;
    const uint32_t bounds[2] = {te_rep4(lo), te_rep4(hi)};   /* for TE_DW_PX_GROUPS */
    int32_t g, oy, ox, ky0, ky1, kx0, kx1;
    int8_t *po = out;
    (void)bounds;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        int32_t ix0 = -pad_l;
        te_dw_valid(iy0, dil_h, k_h, in_h, &ky0, &ky1);
        for (ox = 0; ox < out_w; ++ox, ix0 += stride_w, po += c) {
            const int8_t *r0 = in + (iy0 * in_w + ix0) * c;
            if (ky0 == 0 && ky1 == k_h && ix0 >= 0 && ix0 + span_w < in_w) {
                kx0 = 0;
                kx1 = k_w;
#ifdef TE_DW_PX_GROUPS
                if (k_h == 3 && k_w == 3 && groups > 0) {
                    TE_DW_PX_GROUPS(r0, xp, yp, wx, rq, po, groups, clamp, bounds);
                } else
#endif
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
            te_dw_tail_px(r0, xp, yp, 4 * groups, c, k_w, ky0, ky1, kx0, kx1, in_off, w, bias,
                          out_off, mult, shift, lo, hi, po);
        }
    }
}

void TE_DW_ISA(te_depthwise_conv_2d)(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
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

/* In place (buf holds the input, receives the output), the groups of four channels first:
 * each group's planes go to the scratch with the padding filled in, then the rest of the
 * channels through te_depthwise_conv_2d_inplace_tail_s8. */
void TE_DW_ISA(te_depthwise_conv_2d_inplace)(
        int8_t *buf, int32_t in_h, int32_t in_w, int32_t c, const int8_t *w, const int32_t *bias,
        int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w, int32_t dil_h,
        int32_t dil_w, int32_t pad_t, int32_t pad_l, int32_t out_h, int32_t out_w,
        int32_t in_off, int32_t out_off, const int32_t *mult, const int32_t *shift,
        int32_t act_min, int32_t act_max, int8_t *scratch, const uint32_t *wx,
        const int32_t *rq) {
    int32_t c0 = 0, i, j;
    const int32_t clamp = te_clamp_mode(act_min, act_max);
    const uint32_t bounds[2] = {te_rep4(act_min), te_rep4(act_max)};   /* TE_DW_ROW_PIXELS */
    /* each group's planes go to the scratch with the padding filled in (the input zero
     * point, which adds nothing once the offset is folded): every pixel is interior */
    const int32_t ph = (out_h - 1) * stride_h + dil_h * (k_h - 1) + 1;
    const int32_t pw = (out_w - 1) * stride_w + dil_w * (k_w - 1) + 1;
    const uint32_t zp4 = te_rep4(-in_off);
    const int32_t l = pad_l < pw ? pad_l : pw;
    const int32_t m = in_w < pw - l ? in_w : pw - l;
    int32_t oy, ox;
    (void)bounds;
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
#ifdef TE_DW_ROW_PIXELS
            if (k_h == 3 && k_w == 3 && out_w > 0) {
                TE_DW_ROW_PIXELS(r, dil_w * 4, dil_h * pw * 4,
                                 wx + (c0 / 4) * k_h * k_w * TE_DW_TAP_WORDS,
                                 rq + (c0 / 4) * TE_DW_RQ, po, out_w, stride_w * 4, c, clamp,
                                 bounds);
                continue;
            }
#endif
            for (ox = 0; ox < out_w; ++ox, r += stride_w * 4, po += c) {
                TE_DW_PX(r, dil_w * 4, dil_h * pw * 4, wx + (c0 / 4) * k_h * k_w * TE_DW_TAP_WORDS,
                         rq + (c0 / 4) * TE_DW_RQ, k_h, k_w, po, clamp, act_min, act_max);
            }
        }
    }
    te_depthwise_conv_2d_inplace_tail_s8(buf, in_h, in_w, c, w, bias, k_h, k_w, stride_h,
                                         stride_w, dil_h, dil_w, pad_t, pad_l, out_h, out_w,
                                         in_off, out_off, mult, shift, act_min, act_max, scratch,
                                         c0);
}

#endif /* TE_DEPTHWISE_CONV_2D_FAST_H_ */
