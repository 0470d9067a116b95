#ifndef TE_MAXIMUM_MINIMUM_S16_H_
#define TE_MAXIMUM_MINIMUM_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* MAXIMUM / MINIMUM int16 over a 4-D loop nest with per-input element strides (0 =
 * broadcast). */
#define TE_MAXMIN_S16_DECL(name)                                                           \
    void name(const int16_t *a, const int16_t *b, int16_t *out, int32_t d0, int32_t d1,    \
              int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,      \
              int32_t b0, int32_t b1, int32_t b2, int32_t b3)

TE_MAXMIN_S16_DECL(te_maximum_s16);
TE_MAXMIN_S16_DECL(te_minimum_s16);

#endif
