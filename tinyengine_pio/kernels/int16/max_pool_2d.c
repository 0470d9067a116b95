/* MAX_POOL_2D int16: TFLite's reference_integer_ops::MaxPool<int16_t> as TFLM's pooling.cc
 * runs it: per output pixel and channel the largest in-bounds tap of the window (from the
 * int16 minimum), clamped.
 * One batch per call. */
#include "max_pool_2d_s16.h"

void te_max_pool_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t c_n,
                        int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                        int32_t pad_t, int32_t pad_l, int16_t *out, int32_t out_h,
                        int32_t out_w, int32_t act_min, int32_t act_max) {
    int32_t oy, ox, c, ky, kx;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t y0 = oy * stride_h - pad_t;
        const int32_t ky0 = y0 < 0 ? -y0 : 0;
        const int32_t ky1 = k_h < in_h - y0 ? k_h : in_h - y0;
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t x0 = ox * stride_w - pad_l;
            const int32_t kx0 = x0 < 0 ? -x0 : 0;
            const int32_t kx1 = k_w < in_w - x0 ? k_w : in_w - x0;
            for (c = 0; c < c_n; ++c) {
                int32_t acc = TE_INT16_MIN;
                for (ky = ky0; ky < ky1; ++ky) {
                    for (kx = kx0; kx < kx1; ++kx) {
                        const int32_t v = in[((y0 + ky) * in_w + (x0 + kx)) * c_n + c];
                        acc = v > acc ? v : acc;
                    }
                }
                *out++ = (int16_t)te_clamp(acc, act_min, act_max);
            }
        }
    }
}
