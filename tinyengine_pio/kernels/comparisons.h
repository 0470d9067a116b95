#ifndef TE_COMPARISONS_H_
#define TE_COMPARISONS_H_
#include <stdint.h>

/* EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL (cmp 0..5) over a 4-D loop nest
 * with per-input strides (0 = broadcast); out is bool (one byte, 0 or 1). */

/* int8: each input rescaled as TFLM's ComparisonWithScaling, ((v + off) << 8) times its
 * multiplier (shift <= 0), then compared. */
void te_compare_s8(const int8_t *a, const int8_t *b, uint8_t *out,
                   int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                   int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                   int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t cmp,
                   int32_t a_off, int32_t a_mult, int32_t a_shift,
                   int32_t b_off, int32_t b_mult, int32_t b_shift);

/* int32: the raw values compared. */
void te_compare_s32(const int32_t *a, const int32_t *b, uint8_t *out,
                    int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                    int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                    int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t cmp);

/* The six comparisons of X and Y (expressions of the loop's x and y) as a switch on cmp
 * around TE_BROADCAST_4D_T. */
#define TE_COMPARE_4D(in_t, val_t, X, Y)                                                     \
    switch (cmp) {                                                                           \
    case 0: TE_BROADCAST_4D_T(in_t, val_t, *out++ = (uint8_t)((X) == (Y));); break;          \
    case 1: TE_BROADCAST_4D_T(in_t, val_t, *out++ = (uint8_t)((X) != (Y));); break;          \
    case 2: TE_BROADCAST_4D_T(in_t, val_t, *out++ = (uint8_t)((X) < (Y));); break;           \
    case 3: TE_BROADCAST_4D_T(in_t, val_t, *out++ = (uint8_t)((X) <= (Y));); break;          \
    case 4: TE_BROADCAST_4D_T(in_t, val_t, *out++ = (uint8_t)((X) > (Y));); break;           \
    default: TE_BROADCAST_4D_T(in_t, val_t, *out++ = (uint8_t)((X) >= (Y));); break;         \
    }

#endif
