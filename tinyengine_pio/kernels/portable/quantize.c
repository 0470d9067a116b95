/* QUANTIZE: int8 -> int8 (TFLM reference_ops::Requantize) and float32 -> int8
 * (TFLM AffineQuantize: float division, round half away from zero). in == out allowed. */
#include <math.h>

#include "quantize.h"
#include "te_isa.h"

void te_requantize_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                      int32_t shift, int32_t out_zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)te_clamp(te_requant(in[i] - in_zp, mult, shift) + out_zp, -128, 127);
    }
}

void te_quantize_f32(const float *in, int8_t *out, int32_t n, float scale, int32_t zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        float r = roundf(in[i] / scale);
        /* clamp before the conversion (NaN ends low, as the x86 conversion TFLM runs on does) */
        if (!(r > -1000.0f)) {
            r = -1000.0f;
        } else if (r > 1000.0f) {
            r = 1000.0f;
        }
        out[i] = (int8_t)te_clamp((int32_t)r + zp, -128, 127);
    }
}
