/* RESIZE_BILINEAR float32, TFLM's reference_ops::ResizeBilinear<float>: the source rows and
 * columns and their float weights come from the host (ComputeInterpolationValues); each output
 * value is TFLM's expression in its order,
 * ((p00 * (1 - dy)) * (1 - dx) + (p10 * dy) * (1 - dx) + (p01 * (1 - dy)) * dx + (p11 * dy) * dx)
 * + 0.0f (the rounding offset of a float output, which turns -0 into +0), so the bits are
 * TFLM's. */
#include "resize_bilinear_f32.h"

void te_resize_bilinear_f32(const float *in, float *out, int32_t batches, int32_t in_h,
                            int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                            const int32_t *rows, const float *row_w, const int32_t *cols,
                            const float *col_w) {
    int32_t b, y, x, ch;
    for (b = 0; b < batches; ++b) {
        const float *img = in + b * in_h * in_w * c;
        for (y = 0; y < out_h; ++y) {
            const float *r0 = img + rows[2 * y] * in_w * c;
            const float *r1 = img + rows[2 * y + 1] * in_w * c;
            const float ry = row_w[2 * y], dy = row_w[2 * y + 1];
            for (x = 0; x < out_w; ++x) {
                const int32_t x0 = cols[2 * x] * c, x1 = cols[2 * x + 1] * c;
                const float rx = col_w[2 * x], dx = col_w[2 * x + 1];
                for (ch = 0; ch < c; ++ch) {
                    *out++ = r0[x0 + ch] * ry * rx + r1[x0 + ch] * dy * rx +
                             r0[x1 + ch] * ry * dx + r1[x1 + ch] * dy * dx + 0.0f;
                }
            }
        }
    }
}
