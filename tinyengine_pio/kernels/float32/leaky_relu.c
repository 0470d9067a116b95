/* LEAKY_RELU float32: TFLM's reference_ops::LeakyRelu, `x > 0 ? x : x * alpha`. */
#include "leaky_relu_f32.h"
#include "te_float.h"

void te_leaky_relu_f32(const float *in, float *out, int32_t n, float alpha) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = v > 0.0f ? v : v * alpha;
    }
}
