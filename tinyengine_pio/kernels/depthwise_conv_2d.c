/* DEPTHWISE_CONV_2D int8, NHWC, filter 1HW(C*M); output channel c*M+m reads input channel c.
 * Portable C, bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel. */
#include "depthwise_conv_2d.h"
#include "te_common.h"

void te_depthwise_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                             int32_t depth_mult, int32_t stride_h, int32_t stride_w,
                             int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l,
                             int8_t *out, int32_t out_h, int32_t out_w,
                             int32_t in_off, int32_t out_off, const int32_t *mult,
                             const int32_t *shift, int32_t act_min, int32_t act_max) {
    const int32_t out_c = in_c * depth_mult;
    int32_t oy, ox, ic, m, ky, kx;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * stride_w - pad_l;
            int8_t *po = out + (oy * out_w + ox) * out_c;
            for (ic = 0; ic < in_c; ++ic) {
                for (m = 0; m < depth_mult; ++m) {
                    const int32_t oc = ic * depth_mult + m;
                    int32_t acc = 0;
                    for (ky = 0; ky < k_h; ++ky) {
                        const int32_t iy = iy0 + dil_h * ky;
                        if (iy < 0 || iy >= in_h) {
                            continue;
                        }
                        for (kx = 0; kx < k_w; ++kx) {
                            const int32_t ix = ix0 + dil_w * kx;
                            if (ix < 0 || ix >= in_w) {
                                continue;
                            }
                            acc += (in[(iy * in_w + ix) * in_c + ic] + in_off) *
                                   w[(ky * k_w + kx) * out_c + oc];
                        }
                    }
                    acc += bias[oc];
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
                                     int32_t act_max, int8_t *scratch) {
    int32_t ch, i, oy, ox, ky, kx;
    for (ch = 0; ch < c; ++ch) {
        for (i = 0; i < in_h * in_w; ++i) {
            scratch[i] = buf[i * c + ch];
        }
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t iy0 = oy * stride_h - pad_t;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t ix0 = ox * stride_w - pad_l;
                int32_t acc = 0;
                for (ky = 0; ky < k_h; ++ky) {
                    const int32_t iy = iy0 + dil_h * ky;
                    if (iy < 0 || iy >= in_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; ++kx) {
                        const int32_t ix = ix0 + dil_w * kx;
                        if (ix < 0 || ix >= in_w) {
                            continue;
                        }
                        acc += (scratch[iy * in_w + ix] + in_off) * w[(ky * k_w + kx) * c + ch];
                    }
                }
                acc += bias[ch];
                buf[(oy * out_w + ox) * c + ch] =
                    te_out8(acc, mult[ch], shift[ch], out_off, act_min, act_max);
            }
        }
    }
}
