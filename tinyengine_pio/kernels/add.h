#ifndef TE_ADD_H_
#define TE_ADD_H_
#include <stdint.h>

void te_add_s8(const int8_t *a, const int8_t *b, int8_t *out,
               int32_t d0, int32_t d1, int32_t d2, int32_t d3,
               int32_t a0, int32_t a1, int32_t a2, int32_t a3,
               int32_t b0, int32_t b1, int32_t b2, int32_t b3,
               int32_t a_off, int32_t a_mult, int32_t a_shift,
               int32_t b_off, int32_t b_mult, int32_t b_shift, int32_t left_shift,
               int32_t out_mult, int32_t out_shift, int32_t out_off,
               int32_t act_min, int32_t act_max);

#include "te_common.h"
#if TE_FAST
/* dsp/add.c: ta, tb: 2 x the rescaled term of each int8 input value, pointing at the entry
 * for 0. */
void te_add_lut_fast(const int8_t *a, const int8_t *b, int8_t *out, int32_t d0, int32_t d1,
                     int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                     int32_t b0, int32_t b1, int32_t b2, int32_t b3, const int32_t *ta,
                     const int32_t *tb, int32_t m, int32_t cc, int32_t e, int32_t act_min,
                     int32_t act_max);
#endif

#endif
