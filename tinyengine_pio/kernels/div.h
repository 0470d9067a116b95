#ifndef TE_DIV_H_
#define TE_DIV_H_
#include <stdint.h>

/* inv / shift: the host's tables of the divisor's reciprocal, indexed by its byte (pass the
 * arrays + 128). */
void te_div_s8(const int8_t *a, const int8_t *b, int8_t *out,
               int32_t d0, int32_t d1, int32_t d2, int32_t d3,
               int32_t a0, int32_t a1, int32_t a2, int32_t a3,
               int32_t b0, int32_t b1, int32_t b2, int32_t b3,
               int32_t a_off, int32_t b_off, const int32_t *inv, const int8_t *shift,
               int32_t out_mult, int32_t out_off, int32_t act_min, int32_t act_max);

#endif
