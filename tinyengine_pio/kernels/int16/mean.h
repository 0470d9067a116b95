#ifndef TE_MEAN_S16_H_
#define TE_MEAN_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* kept dims (k*) and reduced dims (r*) as (size, input element stride) pairs, outermost
 * first. */
void te_mean_s16(const int16_t *in, int16_t *out, int32_t k0, int32_t ks0, int32_t k1,
                 int32_t ks1, int32_t k2, int32_t ks2, int32_t k3, int32_t ks3, int32_t r0,
                 int32_t rs0, int32_t r1, int32_t rs1, int32_t r2, int32_t rs2, int32_t r3,
                 int32_t rs3, int32_t count, int32_t in_zp, int32_t mult, int32_t shift,
                 int32_t out_zp);

#endif
