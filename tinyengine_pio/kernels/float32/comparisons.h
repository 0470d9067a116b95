#ifndef TE_COMPARISONS_F32_H_
#define TE_COMPARISONS_F32_H_
#include <stdint.h>

/* EQUAL .. GREATER_EQUAL (cmp 0..5) of float32 a and b over a 4-D loop nest with per-input
 * strides (0 = broadcast); out is bool (one byte). C's comparisons, as TFLM's (NaN: only
 * NOT_EQUAL is true). */
void te_compare_f32(const float *a, const float *b, uint8_t *out,
                    int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                    int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                    int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t cmp);

#endif
