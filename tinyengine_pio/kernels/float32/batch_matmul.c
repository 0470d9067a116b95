/* BATCH_MATMUL float32, bit-equal with TFLM's reference_ops::BatchMatMul<float>: each output the
 * products summed over the depth in order from 0.0f, no clamp. TFLM's transposed copies of the
 * operands (adj_x, and the RHS without adj_y) are strides here, its broadcast batch dimensions
 * per-matrix offsets computed on the host. */
#include "batch_matmul_f32.h"

void te_batch_matmul_f32(const float *lhs, const float *rhs, float *out, int32_t batches,
                         const int32_t *lhs_off, const int32_t *rhs_off, int32_t rows,
                         int32_t cols, int32_t depth, int32_t lhs_rs, int32_t lhs_ks,
                         int32_t rhs_ks, int32_t rhs_cs) {
    int32_t b, r, c, k;
    for (b = 0; b < batches; ++b) {
        const float *l = lhs + lhs_off[b];
        const float *rm = rhs + rhs_off[b];
        for (r = 0; r < rows; ++r) {
            const float *lr = l + r * lhs_rs;
            for (c = 0; c < cols; ++c) {
                const float *rp = rm + c * rhs_cs;
                float total = 0.0f;
                for (k = 0; k < depth; ++k) {
                    total += lr[k * lhs_ks] * rp[k * rhs_ks];
                }
                *out++ = total;
            }
        }
    }
}
