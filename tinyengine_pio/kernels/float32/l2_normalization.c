/* L2_NORMALIZATION float32, TFLM's reference_ops::L2Normalization (float) with l2norm.cc's
 * epsilon 1e-6f, per row of `depth` values: the sum of squares in order from 0.0f, its square
 * root (correctly rounded, as std::sqrt), std::max with epsilon, then x / norm: TFLM's bits.
 * in == out allowed: the second pass reads x[c] before writing y[c]. */
#include "l2_normalization_f32.h"

void te_l2_normalization_f32(const float *in, float *out, int32_t outer, int32_t depth) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const float *x = in + i * depth;
        float *y = out + i * depth;
        float squared = 0.0f;
        float norm;
        for (c = 0; c < depth; ++c) {
            const float v = x[c];
            squared += v * v;
        }
        norm = te_maxf(te_sqrtf(squared), 1e-6f);
        for (c = 0; c < depth; ++c) {
            y[c] = x[c] / norm;
        }
    }
}
