/* RELU and RELU6 float32: TFLM's ReluFloat `x < 0 ? 0 : x` and Relu6Float
 * `x > 6 ? 6 : x < 0 ? 0 : x` (NaN and -0 pass through). */
#include "relu_f32.h"
#include "te_float.h"

void te_relu_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = v < 0.0f ? 0.0f : v;
    }
}

void te_relu6_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = v > 6.0f ? 6.0f : (v < 0.0f ? 0.0f : v);
    }
}
