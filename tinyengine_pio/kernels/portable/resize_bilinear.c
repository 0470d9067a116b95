/* RESIZE_BILINEAR int8, bit-exact with TFLite's reference_ops::ResizeBilinearInteger<int8_t>
 * (TFLM resize_bilinear.cc): the source coordinates and 10-bit weights come from host tables
 * (ComputeInterpolationValuesInteger). TFLite sums four int64 products; here they fit int32:
 * a weight of one axis lies in [-512, 1536] with |w0| + |w1| <= 2048, so |sum| <= 128 * 2048^2
 * = 2^29. The result is rounded half away from zero, divided by 2^20 and cast to int8 without a
 * clamp (it wraps, as static_cast does, where negative half-pixel weights extrapolate). */
#include "resize_bilinear.h"

void te_resize_bilinear_s8(const int8_t *in, int8_t *out, int32_t batches, int32_t in_h,
                           int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                           const int32_t *rows, const int32_t *cols) {
    const int32_t row_stride = in_w * c;
    int32_t b, y, x, ch;
    for (b = 0; b < batches; ++b) {
        const int8_t *src = in + b * in_h * row_stride;
        for (y = 0; y < out_h; ++y) {
            const int8_t *r0 = src + rows[3 * y] * row_stride;
            const int8_t *r1 = src + rows[3 * y + 1] * row_stride;
            const int32_t wy1 = rows[3 * y + 2];
            const int32_t wy0 = 1024 - wy1;
            for (x = 0; x < out_w; ++x) {
                const int32_t o0 = cols[3 * x] * c, o1 = cols[3 * x + 1] * c;
                const int32_t wx1 = cols[3 * x + 2];
                const int32_t wx0 = 1024 - wx1;
                const int32_t w00 = wy0 * wx0, w10 = wy1 * wx0, w01 = wy0 * wx1, w11 = wy1 * wx1;
                for (ch = 0; ch < c; ++ch) {
                    const int32_t acc = r0[o0 + ch] * w00 + r1[o0 + ch] * w10 +
                                        r0[o1 + ch] * w01 + r1[o1 + ch] * w11;
                    const int32_t v = (acc + (acc > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
                    *out++ = (int8_t)(((v + 128) & 255) - 128);
                }
            }
        }
    }
}
