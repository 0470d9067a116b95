/* MAXIMUM / MINIMUM float32 over a 4-D loop nest with per-input strides (0 = broadcast):
 * TFLM's MaximumOp `el1 > el2 ? el1 : el2` and MinimumOp `el1 < el2 ? el1 : el2` (a NaN on
 * either side gives b, as does a tie of +0 and -0), no activation. */
#include "maximum_minimum_f32.h"
#include "te_float.h"

void te_maximum_f32(const float *a, const float *b, float *out,
                    int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                    int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                    int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_BROADCAST_4D_T(float, float, *out++ = (x > y) ? x : y;);
}

void te_minimum_f32(const float *a, const float *b, float *out,
                    int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                    int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                    int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_BROADCAST_4D_T(float, float, *out++ = (x < y) ? x : y;);
}
