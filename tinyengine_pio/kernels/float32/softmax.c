/* SOFTMAX float32, TFLM's reference_ops::Softmax<float> per row of `depth` values: the maximum
 * (std::max from the lowest float), exp((x - max) * beta) stored and summed in order from 0.0f,
 * then each stored value divided by the sum. te_expf stands for std::exp (a few ulp apart).
 * in == out allowed: each row is read before its values are overwritten. */
#include "softmax_f32.h"

void te_softmax_f32(const float *in, float *out, int32_t outer, int32_t depth, float beta) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const float *x = in + i * depth;
        float *y = out + i * depth;
        float max = -TE_FLT_MAX;
        float sum = 0.0f;
        for (c = 0; c < depth; ++c) {
            max = te_maxf(max, x[c]);
        }
        for (c = 0; c < depth; ++c) {
            const float e = te_expf((x[c] - max) * beta);
            y[c] = e;
            sum += e;
        }
        for (c = 0; c < depth; ++c) {
            y[c] = y[c] / sum;
        }
    }
}
