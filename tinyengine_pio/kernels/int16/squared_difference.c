/* SQUARED_DIFFERENCE int16: TFLM's squared_difference.cc SquaredDifference(x, y, params) with
 * zero points 0 and left_shift 0: each input rescaled by its multiplier (at most half), the
 * difference (|d| <= 2^15) squared, requantized, clamped to int16; over a 4-D loop nest with
 * per-input strides (0 = broadcast). */
#include "squared_difference_s16.h"

void te_squared_difference_s16(const int16_t *a, const int16_t *b, int16_t *out, int32_t d0,
                               int32_t d1, int32_t d2, int32_t d3, int32_t a0, int32_t a1,
                               int32_t a2, int32_t a3, int32_t b0, int32_t b1, int32_t b2,
                               int32_t b3, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                               int32_t b_shift, int32_t out_mult, int32_t out_shift) {
    TE_BROADCAST_4D_T(int16_t, int32_t,
                      const int32_t diff = te_requant(x, a_mult, a_shift) -
                                           te_requant(y, b_mult, b_shift);
                      *out++ = (int16_t)te_clamp(te_requant(diff * diff, out_mult, out_shift),
                                                 TE_INT16_MIN, TE_INT16_MAX););
}
