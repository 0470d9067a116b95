/* CONV_2D int16x8: TFLite's reference_integer_ops::ConvPerChannel for int16 input and output
 * and int8 filters [out_c, k_h, k_w, f_c] (grouped when f_c < in_c), one batch per call. Per
 * output pixel and channel: the products w * x over the taps inside the input (padding
 * skipped; TFLM applies no input or output offset here), in filter_y, filter_x, channel order,
 * + bias, requantized per channel, clamped. The int64 accumulator requantizes with
 * MultiplyByQuantizedMultiplier(int64_t); TFLM's int32-bias path (acc32) accumulates in int32
 * and requantizes with the 32-bit one. */
#include <stddef.h>

#include "conv_2d_s16.h"

void te_conv_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                    const int8_t *w, const int64_t *bias64, const int32_t *bias32, int32_t acc32,
                    int32_t k_h, int32_t k_w, int32_t f_c, int32_t stride_h, int32_t stride_w,
                    int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l, int16_t *out,
                    int32_t out_h, int32_t out_w, int32_t out_c, const int32_t *mult,
                    const int32_t *shift, int32_t act_min, int32_t act_max) {
    const int32_t per_group = out_c / (in_c / f_c);
    int32_t oy, ox, oc, ky, kx, c;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t y0 = oy * stride_h - pad_t;
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t x0 = ox * stride_w - pad_l;
            for (oc = 0; oc < out_c; ++oc) {
                const int16_t *src = in + (oc / per_group) * f_c;
                const int8_t *wc = w + oc * k_h * k_w * f_c;
                int64_t acc = 0;
                int32_t acc_32 = 0;
                int32_t v;
                for (ky = 0; ky < k_h; ++ky) {
                    const int32_t y = y0 + dil_h * ky;
                    if (y < 0 || y >= in_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; ++kx) {
                        const int32_t x = x0 + dil_w * kx;
                        const int16_t *px;
                        const int8_t *wt;
                        if (x < 0 || x >= in_w) {
                            continue;
                        }
                        px = src + (y * in_w + x) * in_c;
                        wt = wc + (ky * k_w + kx) * f_c;
                        if (acc32) {
                            for (c = 0; c < f_c; ++c) {
                                acc_32 += (int32_t)wt[c] * (int32_t)px[c];
                            }
                        } else {
                            for (c = 0; c < f_c; ++c) {
                                acc += (int32_t)wt[c] * (int32_t)px[c];
                            }
                        }
                    }
                }
                if (acc32) {
                    if (bias32 != NULL) {
                        acc_32 += bias32[oc];
                    }
                    v = te_requant(acc_32, mult[oc], shift[oc]);
                } else {
                    if (bias64 != NULL) {
                        acc += bias64[oc];
                    }
                    v = te_requant64(acc, mult[oc], shift[oc]);
                }
                *out++ = (int16_t)te_clamp(v, act_min, act_max);
            }
        }
    }
}
