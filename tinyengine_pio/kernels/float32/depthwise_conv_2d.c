/* DEPTHWISE_CONV_2D float32 in TFLM's reference_ops::DepthwiseConv order: output channel
 * oc = ic * depth_mult + m; per output, from 0.0f, the products over filter_y, then filter_x
 * (taps outside the input skipped), then + bias (0.0f without one), then the clamp; so the bits
 * are TFLM's. */
#include <stddef.h>

#include "depthwise_conv_2d_f32.h"

void te_depthwise_conv_2d_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w,
                              int32_t in_c, const float *w, const float *bias, int32_t k_h,
                              int32_t k_w, int32_t depth_mult, int32_t stride_h,
                              int32_t stride_w, int32_t dil_h, int32_t dil_w, int32_t pad_t,
                              int32_t pad_l, float *out, int32_t out_h, int32_t out_w,
                              float lo, float hi) {
    const int32_t out_c = in_c * depth_mult;
    int32_t b, oy, ox, ic, m, fy, fx;
    for (b = 0; b < batches; ++b) {
        const float *img = in + b * in_h * in_w * in_c;
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * stride_h - pad_t;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * stride_w - pad_l;
                for (ic = 0; ic < in_c; ++ic) {
                    for (m = 0; m < depth_mult; ++m) {
                        const int32_t oc = ic * depth_mult + m;
                        float total = 0.0f;
                        for (fy = 0; fy < k_h; ++fy) {
                            const int32_t y = y0 + fy * dil_h;
                            const float *row, *wp;
                            if (y < 0 || y >= in_h) {
                                continue;
                            }
                            row = img + y * in_w * in_c + ic;
                            wp = w + fy * k_w * out_c + oc;
                            for (fx = 0; fx < k_w; ++fx) {
                                const int32_t x = x0 + fx * dil_w;
                                if (x >= 0 && x < in_w) {
                                    total += row[x * in_c] * wp[fx * out_c];
                                }
                            }
                        }
                        *out++ = te_clampf(total + (bias != NULL ? bias[oc] : 0.0f), lo, hi);
                    }
                }
            }
        }
    }
}
