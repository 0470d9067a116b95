#ifndef TE_SQUARED_DIFFERENCE_H_
#define TE_SQUARED_DIFFERENCE_H_
#include <stdint.h>

void te_squared_difference_s8(const int8_t *a, const int8_t *b, int8_t *out,
                              int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                              int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                              int32_t b0, int32_t b1, int32_t b2, int32_t b3,
                              int32_t a_off, int32_t a_mult, int32_t a_shift,
                              int32_t b_off, int32_t b_mult, int32_t b_shift, int32_t left_shift,
                              int32_t out_mult, int32_t out_shift, int32_t out_off);

#endif
