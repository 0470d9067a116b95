#ifndef TE_REDUCE_F32_H_
#define TE_REDUCE_F32_H_
#include <stdint.h>

#include "te_float.h"

/* kept dims (k*) and reduced dims (r*) as (size, input element stride) pairs, outermost first;
 * one output per kept index, in row-major order. */
#define TE_REDUCE_F32_ARGS                                                                   \
    const float *in, float *out,                                                             \
    int32_t k0, int32_t ks0, int32_t k1, int32_t ks1, int32_t k2, int32_t ks2,               \
    int32_t k3, int32_t ks3,                                                                 \
    int32_t r0, int32_t rs0, int32_t r1, int32_t rs1, int32_t r2, int32_t rs2,               \
    int32_t r3, int32_t rs3

void te_reduce_sum_f32(TE_REDUCE_F32_ARGS);
void te_reduce_max_f32(TE_REDUCE_F32_ARGS);
void te_reduce_min_f32(TE_REDUCE_F32_ARGS);
/* the sum divided by (float)count, the number of elements reduced into each output */
void te_reduce_mean_f32(TE_REDUCE_F32_ARGS, int32_t count);

#endif
