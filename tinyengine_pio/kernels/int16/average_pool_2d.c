/* AVERAGE_POOL_2D int16: TFLite's reference_integer_ops::AveragePool<int16_t> as TFLM's
 * pooling.cc runs it: per output pixel and channel the in-bounds taps of the window summed in
 * int32 (padding never counted), divided by their count rounding half away from zero (C's
 * truncating division of the sum +- count / 2), clamped.
 * One batch per call. */
#include "average_pool_2d_s16.h"

void te_average_pool_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t c_n,
                            int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                            int32_t pad_t, int32_t pad_l, int16_t *out, int32_t out_h,
                            int32_t out_w, int32_t act_min, int32_t act_max) {
    int32_t acc, n;
    TE_POOL_S16_LOOPS(acc = 0; n = 0, acc += v; ++n,
                      acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n);
}
