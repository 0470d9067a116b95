/* ABS float32: TFLM's std::abs, the sign bit cleared (also of a NaN). */
#include "abs_f32.h"
#include "te_float.h"

void te_abs_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = te_u2f(te_f2u(v) & 0x7fffffffu);
    }
}
