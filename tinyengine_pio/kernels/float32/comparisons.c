/* The float32 comparisons (TFLM comparisons.cc, reference_ops::Comparison /
 * BroadcastComparison4DSlow on the raw values). */
#include "comparisons_f32.h"
#include "te_common.h"

void te_compare_f32(const float *a, const float *b, uint8_t *out,
                    int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                    int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                    int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t cmp) {
    switch (cmp) {
    case 0: TE_BROADCAST_4D_T(float, float, *out++ = (uint8_t)(x == y);); break;
    case 1: TE_BROADCAST_4D_T(float, float, *out++ = (uint8_t)(x != y);); break;
    case 2: TE_BROADCAST_4D_T(float, float, *out++ = (uint8_t)(x < y);); break;
    case 3: TE_BROADCAST_4D_T(float, float, *out++ = (uint8_t)(x <= y);); break;
    case 4: TE_BROADCAST_4D_T(float, float, *out++ = (uint8_t)(x > y);); break;
    default: TE_BROADCAST_4D_T(float, float, *out++ = (uint8_t)(x >= y);); break;
    }
}
