/* EXP float32: TFLM's reference_ops::Exp, std::exp as te_expf (within a few ulp). */
#include "exp_f32.h"
#include "te_float.h"

void te_exp_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = te_expf(v);
    }
}
