/* DEPTHWISE_CONV_2D int16x8: TFLite's reference_integer_ops::DepthwiseConvPerChannel for int16
 * input and output, int8 filters [1, k_h, k_w, in_c * depth_mult] and an int64 bias (TFLM
 * reads the bias as int64 whatever its type), one batch per call. Per output pixel, input
 * channel and multiplier: the products w * x over the taps inside the input (no input or
 * output offset), + bias, MultiplyByQuantizedMultiplier(int64_t) per channel, clamped. */
#include <stddef.h>

#include "depthwise_conv_2d_s16.h"

void te_depthwise_conv_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const int8_t *w, const int64_t *bias, int32_t k_h, int32_t k_w,
                              int32_t depth_mult, int32_t stride_h, int32_t stride_w,
                              int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l,
                              int16_t *out, int32_t out_h, int32_t out_w, const int32_t *mult,
                              const int32_t *shift, int32_t act_min, int32_t act_max) {
    const int32_t out_c = in_c * depth_mult;
    int32_t oy, ox, ic, m, ky, kx;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t y0 = oy * stride_h - pad_t;
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t x0 = ox * stride_w - pad_l;
            for (ic = 0; ic < in_c; ++ic) {
                for (m = 0; m < depth_mult; ++m) {
                    const int32_t oc = ic * depth_mult + m;
                    int64_t acc = 0;
                    for (ky = 0; ky < k_h; ++ky) {
                        const int32_t y = y0 + dil_h * ky;
                        for (kx = 0; kx < k_w; ++kx) {
                            const int32_t x = x0 + dil_w * kx;
                            if (y >= 0 && y < in_h && x >= 0 && x < in_w) {
                                acc += (int64_t)w[(ky * k_w + kx) * out_c + oc] *
                                       (int64_t)in[(y * in_w + x) * in_c + ic];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    *out++ = (int16_t)te_clamp(te_requant64(acc, mult[oc], shift[oc]), act_min,
                                               act_max);
                }
            }
        }
    }
}
