#ifndef TE_SQUARED_DIFFERENCE_S16_H_
#define TE_SQUARED_DIFFERENCE_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_squared_difference_s16(const int16_t *a, const int16_t *b, int16_t *out, int32_t d0,
                               int32_t d1, int32_t d2, int32_t d3, int32_t a0, int32_t a1,
                               int32_t a2, int32_t a3, int32_t b0, int32_t b1, int32_t b2,
                               int32_t b3, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                               int32_t b_shift, int32_t out_mult, int32_t out_shift);

#endif
