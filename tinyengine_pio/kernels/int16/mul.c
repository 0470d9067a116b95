/* MUL int16: TFLite's reference_integer_ops::MulElementwise<int16_t, int16_t> (and
 * BroadcastMul6DSlow, the same per element) as TFLM's mul.cc runs it: zero points 0 (TFLM
 * requires them), the int32 product (at most 2^30) requantized with
 * MultiplyByQuantizedMultiplier, clamped; over a 4-D loop nest with per-input strides. */
#include "mul_s16.h"

void te_mul_s16(const int16_t *a, const int16_t *b, int16_t *out, int32_t d0, int32_t d1,
                int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t out_mult,
                int32_t out_shift, int32_t act_min, int32_t act_max) {
    TE_BROADCAST_4D_T(int16_t, int32_t,
                      *out++ = (int16_t)te_clamp(te_requant(x * y, out_mult, out_shift),
                                                 act_min, act_max););
}
