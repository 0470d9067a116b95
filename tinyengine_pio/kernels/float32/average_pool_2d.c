/* AVERAGE_POOL_2D float32 in TFLM's reference_ops::AveragePool (float) order: per output the
 * window clipped to the input, its taps summed from 0.0f over filter_y then filter_x, divided by
 * the (float) count of those taps, then the clamp; so the bits are TFLM's. SAME padding never
 * leaves a window empty (the padding before is at most (k - 1) / 2). */
#include "average_pool_2d_f32.h"

void te_average_pool_2d_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w,
                            int32_t c, int32_t k_h, int32_t k_w, int32_t stride_h,
                            int32_t stride_w, int32_t pad_t, int32_t pad_l, float *out,
                            int32_t out_h, int32_t out_w, float lo, float hi) {
    float count, total;
    TE_POOL_F32_LOOPS(count = (float)((y1 - y0) * (x1 - x0)), total = 0.0f, total += v,
                      total / count);
}
