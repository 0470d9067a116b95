/* BATCH_MATMUL int8. Portable C, bit-exact with TFLM reference_ops::BatchMatMul<int8_t, int32_t>
 * (batch_matmul.cc): each output is the int32 sum of (l + lhs_offset) * (r + rhs_offset) over
 * the depth, requantized with one multiplier and clamped to int8. TFLM's transposed copies of the
 * operands (adj_x, and the RHS without adj_y) are strides here. */
#include "batch_matmul.h"
#include "te_common.h"

void te_batch_matmul_s8(const int8_t *lhs, const int8_t *rhs, int8_t *out, int32_t batches,
                        const int32_t *lhs_off, const int32_t *rhs_off, int32_t rows,
                        int32_t cols, int32_t depth, int32_t lhs_rs, int32_t lhs_ks,
                        int32_t rhs_ks, int32_t rhs_cs, int32_t lhs_offset, int32_t rhs_offset,
                        int32_t out_off, int32_t mult, int32_t shift) {
    int32_t b, r, c, k;
    for (b = 0; b < batches; ++b) {
        const int8_t *l = lhs + lhs_off[b];
        const int8_t *rm = rhs + rhs_off[b];
        int8_t *o = out + b * rows * cols;
        for (r = 0; r < rows; ++r) {
            for (c = 0; c < cols; ++c) {
                const int8_t *lp = l + r * lhs_rs;
                const int8_t *rp = rm + c * rhs_cs;
                int32_t acc = 0;
                for (k = 0; k < depth; ++k) {
                    acc += (lp[k * lhs_ks] + lhs_offset) * (rp[k * rhs_ks] + rhs_offset);
                }
                o[r * cols + c] = te_out8(acc, mult, shift, out_off, -128, 127);
            }
        }
    }
}
