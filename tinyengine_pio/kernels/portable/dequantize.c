/* DEQUANTIZE int8 / uint8 -> float32. The product of a float scale and a 9-bit integer is exact in
 * double, so one float multiply rounds exactly as TFLM's (float)(double scale * (q - zp)). */
#include "dequantize.h"

void te_dequantize_s8(const int8_t *in, float *out, int32_t n, float scale, int32_t zp) {
    int32_t i;
    for (i = n - 1; i >= 0; --i) {   /* backwards: out may start where in starts */
        out[i] = scale * (float)(in[i] - zp);
    }
}

void te_dequantize_u8(const uint8_t *in, float *out, int32_t n, float scale, int32_t zp) {
    int32_t i;
    for (i = n - 1; i >= 0; --i) {
        out[i] = scale * (float)((int32_t)in[i] - zp);
    }
}
