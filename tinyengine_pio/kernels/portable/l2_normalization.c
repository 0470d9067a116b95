/* L2_NORMALIZATION int8, bit-exact with TFLM reference_integer_ops::L2Normalization
 * (integer_ops/l2normalization.h): sum of squares per row, GetInvSqrtQuantizedMultiplierExp
 * (common.h: gemmlowp Newton-Raphson on Q3.28) and MultiplyByQuantizedMultiplier with the
 * shift + 7 (output in Q0.7), clamped. in == out allowed (the row is read fully first). */
#include "l2_normalization.h"
#include "te_isa.h"

void te_l2_normalization_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t depth,
                            int32_t in_zp) {
    int32_t i, c, mult, shift;
    for (i = 0; i < outer; ++i) {
        const int8_t *x = in + i * depth;
        int8_t *y = out + i * depth;
        int32_t acc = 0;
        for (c = 0; c < depth; ++c) {
            const int32_t v = x[c] - in_zp;
            acc += v * v;
        }
        te_inv_sqrt_exp(acc, &mult, &shift);
        for (c = 0; c < depth; ++c) {
            y[c] = (int8_t)te_clamp(te_requant(x[c] - in_zp, mult, shift + 7), -128, 127);
        }
    }
}
