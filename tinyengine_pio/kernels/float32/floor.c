/* FLOOR float32: TFLM's std::floor as te_floorf (exact). */
#include "floor_f32.h"
#include "te_float.h"

void te_floor_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = te_floorf(v);
    }
}
