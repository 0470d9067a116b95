#ifndef TE_PRELU_S16_H_
#define TE_PRELU_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_prelu_s16(const int16_t *x, const int8_t *alpha, int16_t *out, int32_t d0, int32_t d1,
                  int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                  int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t in_off,
                  int32_t alpha_off, int32_t mult_1, int32_t shift_1, int32_t mult_2,
                  int32_t shift_2, int32_t out_off);

#endif
