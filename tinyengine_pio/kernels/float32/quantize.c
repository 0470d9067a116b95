/* QUANTIZE float32 -> int16, TFLM's reference_ops::AffineQuantize<float, int16_t>:
 * (int32_t)round(x / scale) + zero point (two's complement wrap, as on x86), clamped to int16.
 * in == out allowed (element i is read before element i is written, and is 2 bytes wide). */
#include "quantize_f32.h"

void te_quantize_f32_s16(const float *in, int16_t *out, int32_t n, float scale, int32_t zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        uint32_t v = (uint32_t)te_round_i32f(in[i] / scale) + (uint32_t)zp;
        int32_t s = v >= 0x80000000u ? -(int32_t)(~v) - 1 : (int32_t)v;
        out[i] = (int16_t)te_clamp(s, -32768, 32767);
    }
}
