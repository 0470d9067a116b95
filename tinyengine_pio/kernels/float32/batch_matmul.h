#ifndef TE_BATCH_MATMUL_F32_H_
#define TE_BATCH_MATMUL_F32_H_
#include <stdint.h>

#include "te_float.h"

void te_batch_matmul_f32(const float *lhs, const float *rhs, float *out, int32_t batches,
                         const int32_t *lhs_off, const int32_t *rhs_off, int32_t rows,
                         int32_t cols, int32_t depth, int32_t lhs_rs, int32_t lhs_ks,
                         int32_t rhs_ks, int32_t rhs_cs);

#endif
