/* MAX_POOL_2D int16: TFLite's reference_integer_ops::MaxPool<int16_t> as TFLM's pooling.cc
 * runs it: per output pixel and channel the largest in-bounds tap of the window (from the
 * int16 minimum), clamped.
 * One batch per call. */
#include "max_pool_2d_s16.h"

void te_max_pool_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t c_n,
                        int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                        int32_t pad_t, int32_t pad_l, int16_t *out, int32_t out_h,
                        int32_t out_w, int32_t act_min, int32_t act_max) {
    int32_t acc;
    TE_POOL_S16_LOOPS(acc = TE_INT16_MIN, acc = v > acc ? v : acc, acc);
}
