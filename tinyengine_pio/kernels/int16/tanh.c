/* TANH int16: TFLite's reference_integer_ops::Tanh(int16) as TFLM's tanh.cc runs it, through
 * the sigmoid table as tanh(x) = 2 sigmoid(2x) - 1. Each x rescaled to (x * mult + round) >>
 * shift as in LOGISTIC (kernels/int16/logistic.c); |x| >> 8 indexes the table, the low 8 bits
 * interpolate in uint32 (entry 255 on: 0xFFFF << 8); minus 0.5 (2^23), rounded (+ 2^7, - 1
 * for x < 0, mirrored) and shifted back to Q0.15 by an arithmetic >> 8. in == out allowed. */
#include "tanh_s16.h"

void te_tanh_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift,
                 const uint16_t *table) {
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t x = ((int32_t)in[i] * mult + round) >> shift;
        int32_t r = (int32_t)te_sigmoid_lerp(x, 8, 0xFFFFu << 8, table);
        r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        out[i] = (int16_t)(r >> 8);
    }
}
