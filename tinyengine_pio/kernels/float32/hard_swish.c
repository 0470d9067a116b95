/* HARD_SWISH float32: TFLM's reference_ops::HardSwish<float>,
 * x * std::min(6, std::max(0, x + 3)) / 6 in that order (te_minf / te_maxf are std::min /
 * std::max, NaN included). */
#include "hard_swish_f32.h"
#include "te_float.h"

void te_hard_swish_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = v * te_minf(6.0f, te_maxf(0.0f, v + 3.0f)) / 6.0f;
    }
}
