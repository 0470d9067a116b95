/* DEQUANTIZE int16 -> float32, TFLM's reference_ops::Dequantize: (float)(double scale *
 * (q - zp)). q - zp has at most 17 bits, so the double product is exact and one float multiply
 * rounds it the same way. Backwards, so out may start where in starts (out is wider). */
#include "dequantize_f32.h"

void te_dequantize_s16_f32(const int16_t *in, float *out, int32_t n, float scale, int32_t zp) {
    int32_t i;
    for (i = n - 1; i >= 0; --i) {
        out[i] = scale * (float)((int32_t)in[i] - zp);
    }
}
