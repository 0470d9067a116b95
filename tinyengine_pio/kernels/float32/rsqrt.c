/* RSQRT float32: TFLM's `1.f / std::sqrt(f)`, te_sqrtf correctly rounded. */
#include "rsqrt_f32.h"
#include "te_float.h"

void te_rsqrt_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = 1.0f / te_sqrtf(v);
    }
}
