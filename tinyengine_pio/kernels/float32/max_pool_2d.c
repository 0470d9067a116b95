/* MAX_POOL_2D float32 in TFLM's reference_ops::MaxPool (float) order: per output std::max over
 * the window clipped to the input (filter_y, then filter_x) from -FLT_MAX (numeric_limits'
 * lowest()), then the clamp; te_maxf is std::max, so NaN taps and signed zeros go as in TFLM. */
#include "max_pool_2d_f32.h"

void te_max_pool_2d_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w,
                        int32_t c, int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                        int32_t pad_t, int32_t pad_l, float *out, int32_t out_h, int32_t out_w,
                        float lo, float hi) {
    float best;
    TE_POOL_F32_LOOPS((void)0, best = -TE_FLT_MAX, best = te_maxf(best, v), best);
}
