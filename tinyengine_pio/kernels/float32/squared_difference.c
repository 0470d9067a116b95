/* SQUARED_DIFFERENCE float32 over a 4-D loop nest with per-input strides (0 = broadcast):
 * TFLM's SquaredDifference<float>, d = a - b then d * d, no activation. */
#include "squared_difference_f32.h"
#include "te_float.h"

void te_squared_difference_f32(const float *a, const float *b, float *out,
                               int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                               int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                               int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_BROADCAST_4D_T(float, float, const float d = x - y; *out++ = d * d;);
}
