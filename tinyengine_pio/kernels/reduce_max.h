#ifndef TE_REDUCE_MAX_H_
#define TE_REDUCE_MAX_H_
#include <stdint.h>

/* kept dims (k*) and reduced dims (r*) as (size, input stride) pairs, outermost first. */
void te_reduce_max_s8(const int8_t *in, int8_t *out,
                      int32_t k0, int32_t ks0, int32_t k1, int32_t ks1, int32_t k2, int32_t ks2,
                      int32_t k3, int32_t ks3,
                      int32_t r0, int32_t rs0, int32_t r1, int32_t rs1, int32_t r2, int32_t rs2,
                      int32_t r3, int32_t rs3);

#endif
