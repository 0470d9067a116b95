/* MAXIMUM / MINIMUM int8 over a 4-D loop nest with per-input strides (0 = broadcast):
 * TFLM reference_ops::MaximumMinimumBroadcastSlow (raw values compared, no requantization). */
#include "maximum_minimum.h"
#include "te_isa.h"

#define TE_MAXMIN_LOOP(PICK)                                                   \
    int32_t i0, i1, i2, i3;                                                    \
    for (i0 = 0; i0 < d0; ++i0) {                                              \
        for (i1 = 0; i1 < d1; ++i1) {                                          \
            for (i2 = 0; i2 < d2; ++i2) {                                      \
                const int8_t *pa = a + i0 * a0 + i1 * a1 + i2 * a2;            \
                const int8_t *pb = b + i0 * b0 + i1 * b1 + i2 * b2;            \
                for (i3 = 0; i3 < d3; ++i3) {                                  \
                    const int8_t x = pa[i3 * a3];                              \
                    const int8_t y = pb[i3 * b3];                              \
                    *out++ = (PICK);                                           \
                }                                                              \
            }                                                                  \
        }                                                                      \
    }

void te_maximum_s8(const int8_t *a, const int8_t *b, int8_t *out,
                   int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                   int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                   int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_MAXMIN_LOOP(x > y ? x : y)
}

void te_minimum_s8(const int8_t *a, const int8_t *b, int8_t *out,
                   int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                   int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                   int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_MAXMIN_LOOP(x < y ? x : y)
}
