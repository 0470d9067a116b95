/* BATCH_MATMUL int16: TFLM's reference_ops::BatchMatMul<int16_t, int64_t> (zero points 0):
 * each output the int64 sum of l * r over the depth, MultiplyByQuantizedMultiplier(int64_t),
 * clamped to int16. TFLM's transposed copies (adj_x, and the RHS without adj_y) are strides. */
#include "batch_matmul_s16.h"

void te_batch_matmul_s16(const int16_t *lhs, const int16_t *rhs, int16_t *out, int32_t batches,
                         const int32_t *lhs_off, const int32_t *rhs_off, int32_t rows,
                         int32_t cols, int32_t depth, int32_t lhs_rs, int32_t lhs_ks,
                         int32_t rhs_ks, int32_t rhs_cs, int32_t mult, int32_t shift) {
    int32_t b, r, c, k;
    for (b = 0; b < batches; ++b) {
        const int16_t *l = lhs + lhs_off[b];
        const int16_t *rm = rhs + rhs_off[b];
        int16_t *o = out + b * rows * cols;
        for (r = 0; r < rows; ++r) {
            for (c = 0; c < cols; ++c) {
                const int16_t *lp = l + r * lhs_rs;
                const int16_t *rp = rm + c * rhs_cs;
                int64_t acc = 0;
                for (k = 0; k < depth; ++k) {
                    acc += (int64_t)((int32_t)lp[k * lhs_ks] * (int32_t)rp[k * rhs_ks]);
                }
                o[r * cols + c] = (int16_t)te_clamp(te_requant64(acc, mult, shift),
                                                    TE_INT16_MIN, TE_INT16_MAX);
            }
        }
    }
}
