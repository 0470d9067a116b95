/* CEIL float32: TFLM's std::ceil as te_ceilf (exact). */
#include "ceil_f32.h"
#include "te_float.h"

void te_ceil_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = te_ceilf(v);
    }
}
