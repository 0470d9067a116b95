/* The comparisons (TFLM comparisons.cc, reference_ops::Comparison / BroadcastComparison4DSlow
 * and their WithScaling variants for int8). */
#include "comparisons.h"
#include "te_isa.h"

/* MultiplyByQuantizedMultiplierSmallerThanOneExp(((v + off) << 8), mult, shift), shift <= 0. */
TE_INLINE int32_t te_cmp_scale(int32_t v, int32_t off, int32_t mult, int32_t shift) {
    return te_requant((v + off) * 256, mult, shift);
}

void te_compare_s8(const int8_t *a, const int8_t *b, uint8_t *out,
                   int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                   int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                   int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t cmp,
                   int32_t a_off, int32_t a_mult, int32_t a_shift,
                   int32_t b_off, int32_t b_mult, int32_t b_shift) {
    TE_COMPARE_4D(int8_t, int32_t, te_cmp_scale(x, a_off, a_mult, a_shift),
                  te_cmp_scale(y, b_off, b_mult, b_shift))
}

void te_compare_s32(const int32_t *a, const int32_t *b, uint8_t *out,
                    int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                    int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                    int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t cmp) {
    TE_COMPARE_4D(int32_t, int32_t, x, y)
}
