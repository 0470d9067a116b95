#ifndef TE_ADD_S16_H_
#define TE_ADD_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* ADD (te_add_s16) and SUB (te_sub_s16) int16 over a 4-D loop nest with per-input element
 * strides (0 = broadcast). */
#define TE_ADD_S16_DECL(name)                                                               \
    void name(const int16_t *a, const int16_t *b, int16_t *out, int32_t d0, int32_t d1,     \
              int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,       \
              int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t a_off, int32_t a_mult, \
              int32_t a_shift, int32_t b_off, int32_t b_mult, int32_t b_shift,              \
              int32_t left_shift, int32_t out_mult, int32_t out_shift, int32_t out_off,     \
              int32_t act_min, int32_t act_max)

TE_ADD_S16_DECL(te_add_s16);
TE_ADD_S16_DECL(te_sub_s16);

#endif
