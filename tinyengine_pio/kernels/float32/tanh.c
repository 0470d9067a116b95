/* TANH float32: TFLM's std::tanh, as te_tanhf (within a few ulp). */
#include "tanh_f32.h"
#include "te_float.h"

void te_tanh_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = te_tanhf(v);
    }
}
