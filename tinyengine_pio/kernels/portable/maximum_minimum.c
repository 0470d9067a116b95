/* MAXIMUM / MINIMUM int8 over a 4-D loop nest with per-input strides (0 = broadcast):
 * TFLM reference_ops::MaximumMinimumBroadcastSlow (raw values compared, no requantization). */
#include "maximum_minimum.h"
#include "te_isa.h"

void te_maximum_s8(const int8_t *a, const int8_t *b, int8_t *out,
                   int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                   int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                   int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_BROADCAST_4D(*out++ = (int8_t)(x > y ? x : y););
}

void te_minimum_s8(const int8_t *a, const int8_t *b, int8_t *out,
                   int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                   int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                   int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_BROADCAST_4D(*out++ = (int8_t)(x < y ? x : y););
}
