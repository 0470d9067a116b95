/* LOGISTIC float32: TFLM's reference_ops::Logistic, 1 above 16.619047164916992188,
 * exp(x) below -9, else 1 / (1 + exp(-x)) (te_expf for std::exp). */
#include "logistic_f32.h"
#include "te_float.h"

void te_logistic_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        float r;
        if (v > 16.619047164916992188f) {
            r = 1.0f;
        } else if (v < -9.0f) {
            r = te_expf(v);
        } else {
            r = 1.0f / (1.0f + te_expf(-v));
        }
        out[i] = r;
    }
}
