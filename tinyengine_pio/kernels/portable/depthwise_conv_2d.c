/* DEPTHWISE_CONV_2D int8, NHWC, filter 1HW(C*M); output channel c*M+m reads input channel c.
 * Portable C, bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel. */
#include <string.h>

#include "depthwise_conv_2d.h"
#include "te_isa.h"

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
    (void)bias_full;   /* used by the DSP interior path only (TE_SIMD_DW_CORE) */
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        te_dw_valid(iy0, dil_h, k_h, in_h, &ky0, &ky1);
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * stride_w - pad_l;
            int8_t *po = out + (oy * out_w + ox) * out_pitch;
            int32_t c = 0;
            te_dw_valid(ix0, dil_w, k_w, in_w, &kx0, &kx1);
            TE_SIMD_DW_CORE()
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
                             const int32_t *shift, int32_t act_min, int32_t act_max) {
    const int32_t out_c = in_c * depth_mult;
    int32_t oy, ox, ic, m, ky, kx, ky0, ky1, kx0, kx1;
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

/* Channels c0.. of the in-place kernel, in groups of TE_DW_GROUP: a group's input planes are
 * first copied to the scratch (the fast entries do the groups of four before). */
TE_INLINE void te_dw_inplace_from(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                  const int8_t *w, const int32_t *bias, int32_t k_h,
                                  int32_t k_w, int32_t stride_h, int32_t stride_w,
                                  int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l,
                                  int32_t out_h, int32_t out_w, int32_t in_off,
                                  int32_t out_off, const int32_t *mult, const int32_t *shift,
                                  int32_t act_min, int32_t act_max, int8_t *scratch,
                                  int32_t c0) {
    int32_t i, j;
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

void te_depthwise_conv_2d_inplace_s8(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                     const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                                     int32_t stride_h, int32_t stride_w, int32_t dil_h,
                                     int32_t dil_w, int32_t pad_t, int32_t pad_l,
                                     int32_t out_h, int32_t out_w, int32_t in_off, int32_t out_off,
                                     const int32_t *mult, const int32_t *shift, int32_t act_min,
                                     int32_t act_max, int8_t *scratch) {
    te_dw_inplace_from(buf, in_h, in_w, c, w, bias, k_h, k_w, stride_h, stride_w, dil_h, dil_w,
                       pad_t, pad_l, out_h, out_w, in_off, out_off, mult, shift, act_min,
                       act_max, scratch, 0);
}

void te_depthwise_conv_2d_inplace_tail_s8(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                          const int8_t *w, const int32_t *bias, int32_t k_h,
                                          int32_t k_w, int32_t stride_h, int32_t stride_w,
                                          int32_t dil_h, int32_t dil_w, int32_t pad_t,
                                          int32_t pad_l, int32_t out_h, int32_t out_w,
                                          int32_t in_off, int32_t out_off, const int32_t *mult,
                                          const int32_t *shift, int32_t act_min,
                                          int32_t act_max, int8_t *scratch, int32_t c0) {
    te_dw_inplace_from(buf, in_h, in_w, c, w, bias, k_h, k_w, stride_h, stride_w, dil_h, dil_w,
                       pad_t, pad_l, out_h, out_w, in_off, out_off, mult, shift, act_min,
                       act_max, scratch, c0);
}
