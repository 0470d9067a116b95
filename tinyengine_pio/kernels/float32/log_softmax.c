/* LOG_SOFTMAX float32, TFLM's reference_ops::LogSoftmax (float) per row of `depth` values: the
 * maximum (std::max from the lowest float), the sum of exp(x - max) in order from 0.0f, then
 * x - max - log(sum). te_expf / te_logf stand for std::exp / std::log (a few ulp apart).
 * in == out allowed: the last pass reads x[c] before writing y[c]. */
#include "log_softmax_f32.h"

void te_log_softmax_f32(const float *in, float *out, int32_t outer, int32_t depth) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const float *x = in + i * depth;
        float *y = out + i * depth;
        float max = -TE_FLT_MAX;
        float sum = 0.0f;
        float log_sum;
        for (c = 0; c < depth; ++c) {
            max = te_maxf(max, x[c]);
        }
        for (c = 0; c < depth; ++c) {
            sum += te_expf(x[c] - max);
        }
        log_sum = te_logf(sum);
        for (c = 0; c < depth; ++c) {
            y[c] = x[c] - max - log_sum;
        }
    }
}
