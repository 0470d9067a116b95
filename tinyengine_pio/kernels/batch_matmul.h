#ifndef TE_BATCH_MATMUL_H_
#define TE_BATCH_MATMUL_H_
#include <stdint.h>

/* BATCH_MATMUL int8: `batches` output matrices rows x cols, the b-th from the LHS matrix at
 * lhs + lhs_off[b] and the RHS matrix at rhs + rhs_off[b], read through element strides
 * (LHS row / depth, RHS depth / column); per-tensor requantization, int8 range. */
void te_batch_matmul_s8(const int8_t *lhs, const int8_t *rhs, int8_t *out, int32_t batches,
                        const int32_t *lhs_off, const int32_t *rhs_off, int32_t rows,
                        int32_t cols, int32_t depth, int32_t lhs_rs, int32_t lhs_ks,
                        int32_t rhs_ks, int32_t rhs_cs, int32_t lhs_offset, int32_t rhs_offset,
                        int32_t out_off, int32_t mult, int32_t shift);

#endif /* TE_BATCH_MATMUL_H_ */
