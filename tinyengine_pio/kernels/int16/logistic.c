/* LOGISTIC int16: TFLite's reference_integer_ops::Logistic(int16) as TFLM's logistic.cc runs
 * it. Each x rescaled to (x * mult + round) >> shift (units of 1 / (3 * 4096); the host folds
 * the power-of-two case into mult = 3 << shift, shift 0, and guarantees no int32 overflow);
 * |x| >> 9 indexes the 256-entry sigmoid table (sigmoid(i / 24) in 0.16), the low 9 bits
 * interpolate towards the next entry in uint32; from entry 255 on the result saturates to
 * 0x7FFF << 10. x < 0 mirrors it (1 - sigmoid); rounded back to Q0.15 by >> 10. |INT32_MIN|
 * is taken as 2^31 in uint32, as abs() gives on two's complement. in == out allowed. */
#include "logistic_s16.h"

void te_logistic_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift,
                     const uint16_t *table) {
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t x = ((int32_t)in[i] * mult + round) >> shift;
        uint32_t r = te_sigmoid_lerp(x, 9, 0x7FFFu << 10, table);
        r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        out[i] = (int16_t)(r >> 10);
    }
}
