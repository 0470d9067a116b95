/* MAX_POOL_2D float32 in TFLM's reference_ops::MaxPool (float) order: per output std::max over
 * the window clipped to the input (filter_y, then filter_x) from -FLT_MAX (numeric_limits'
 * lowest()), then the clamp; te_maxf is std::max, so NaN taps and signed zeros go as in TFLM. */
#include "max_pool_2d_f32.h"

void te_max_pool_2d_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w,
                        int32_t c, int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                        int32_t pad_t, int32_t pad_l, float *out, int32_t out_h, int32_t out_w,
                        float lo, float hi) {
    int32_t b, oy, ox, ch, y, x;
    for (b = 0; b < batches; ++b) {
        const float *img = in + b * in_h * in_w * c;
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t iy0 = oy * stride_h - pad_t;
            const int32_t y0 = iy0 < 0 ? 0 : iy0;                      /* clipped rows */
            const int32_t y1 = iy0 + k_h < in_h ? iy0 + k_h : in_h;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t ix0 = ox * stride_w - pad_l;
                const int32_t x0 = ix0 < 0 ? 0 : ix0;
                const int32_t x1 = ix0 + k_w < in_w ? ix0 + k_w : in_w;
                for (ch = 0; ch < c; ++ch) {
                    float best = -TE_FLT_MAX;
                    for (y = y0; y < y1; ++y) {
                        const float *row = img + y * in_w * c + ch;
                        for (x = x0; x < x1; ++x) {
                            best = te_maxf(best, row[x * c]);
                        }
                    }
                    *out++ = te_clampf(best, lo, hi);
                }
            }
        }
    }
}
