/* MAX_POOL_2D int8, NHWC; bit-exact with TFLM reference_integer_ops::MaxPool. */
#include "max_pool_2d.h"
#include "te_isa.h"

void te_max_pool_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                     int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                     int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                     int32_t act_min, int32_t act_max) {
    int32_t oy, ox, ch, y, x;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        const int32_t y0 = iy0 < 0 ? -iy0 : 0;
        const int32_t y1 = k_h < in_h - iy0 ? k_h : in_h - iy0;
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * stride_w - pad_l;
            const int32_t x0 = ix0 < 0 ? -ix0 : 0;
            const int32_t x1 = k_w < in_w - ix0 ? k_w : in_w - ix0;
            for (ch = 0; ch < c; ++ch) {
                int32_t m = -128;
                for (y = y0; y < y1; ++y) {
                    const int8_t *row = in + ((iy0 + y) * in_w + ix0) * c + ch;
                    for (x = x0; x < x1; ++x) {
                        m = row[x * c] > m ? row[x * c] : m;
                    }
                }
                *out++ = (int8_t)te_clamp(m, act_min, act_max);
            }
        }
    }
}
