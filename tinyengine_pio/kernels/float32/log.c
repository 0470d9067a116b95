/* LOG float32: TFLM's std::log as te_logf (within a few ulp; log(0) = -inf, NaN below). */
#include "log_f32.h"
#include "te_float.h"

void te_log_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = te_logf(v);
    }
}
