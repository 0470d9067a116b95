#ifndef TE_BATCH_MATMUL_S16_H_
#define TE_BATCH_MATMUL_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* The operand layout as te_batch_matmul_s8 (per output matrix the LHS / RHS element offsets;
 * element strides of an LHS row, the LHS depth, the RHS depth and an RHS column). */
void te_batch_matmul_s16(const int16_t *lhs, const int16_t *rhs, int16_t *out, int32_t batches,
                         const int32_t *lhs_off, const int32_t *rhs_off, int32_t rows,
                         int32_t cols, int32_t depth, int32_t lhs_rs, int32_t lhs_ks,
                         int32_t rhs_ks, int32_t rhs_cs, int32_t mult, int32_t shift);

#endif
