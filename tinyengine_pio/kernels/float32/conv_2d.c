/* CONV_2D float32 in TFLM's reference_ops::Conv order: per output, from 0.0f, the products over
 * filter_y, filter_x, then the group's input channels (taps outside the input skipped), then
 * + bias (0.0f without one), then the clamp; so the bits are TFLM's. The innermost loop is a
 * contiguous dot product (input pixel and filter tap both channel-major) into a register. */
#include <stddef.h>

#include "conv_2d_f32.h"

void te_conv_2d_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c,
                    const float *w, const float *bias, int32_t k_h, int32_t k_w, int32_t f_c,
                    int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                    int32_t pad_t, int32_t pad_l,
                    float *out, int32_t out_h, int32_t out_w, int32_t out_c, float lo, float hi) {
    const int32_t per_group = out_c / (in_c / f_c);
    const int32_t tap_len = k_w * f_c;
    int32_t b, oy, ox, oc, fy, fx, c;
    for (b = 0; b < batches; ++b) {
        const float *img = in + b * in_h * in_w * in_c;
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * stride_h - pad_t;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * stride_w - pad_l;
                for (oc = 0; oc < out_c; ++oc) {
                    const float *src = img + (oc / per_group) * f_c;
                    const float *filt = w + oc * k_h * tap_len;
                    float total = 0.0f;
                    for (fy = 0; fy < k_h; ++fy) {
                        const int32_t y = y0 + fy * dil_h;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (fx = 0; fx < k_w; ++fx) {
                            const int32_t x = x0 + fx * dil_w;
                            const float *xp, *wp;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            xp = src + (y * in_w + x) * in_c;
                            wp = filt + fy * tap_len + fx * f_c;
                            for (c = 0; c < f_c; ++c) {
                                total += *xp++ * *wp++;
                            }
                        }
                    }
                    *out++ = te_clampf(total + (bias != NULL ? bias[oc] : 0.0f), lo, hi);
                }
            }
        }
    }
}
