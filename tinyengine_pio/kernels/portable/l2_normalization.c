/* L2_NORMALIZATION int8, bit-exact with TFLM reference_integer_ops::L2Normalization
 * (integer_ops/l2normalization.h): sum of squares per row, GetInvSqrtQuantizedMultiplierExp
 * (common.h: gemmlowp Newton-Raphson on Q3.28) and MultiplyByQuantizedMultiplier with the
 * shift + 7 (output in Q0.7), clamped. in == out allowed (the row is read fully first). */
#include "l2_normalization.h"
#include "te_isa.h"

/* GetInvSqrtQuantizedMultiplierExp(input, kReverseShift = -1, ...) */
static void l2_inv_sqrt(int32_t input, int32_t *mult, int32_t *shift) {
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t out_shift = 11, pairs, half_input, x, i;
    if (input <= 1) {
        *mult = INT32_MAX;
        *shift = 0;
        return;
    }
    while (input >= (1 << 29)) {
        input /= 4;
        ++out_shift;
    }
    pairs = (te_clz32((uint32_t)input) - 1) / 2 - 1;
    out_shift -= pairs;
    input = (int32_t)((uint32_t)input << (2 * pairs));
    half_input = te_rdbpot(input >> 1, 1);
    x = 1 << 28;                                                    /* F3::One() */
    for (i = 0; i < 5; ++i) {
        const int32_t x3 = te_sat_shl(te_srdhm(te_srdhm(x, x), x), 6);   /* Rescale<3>(x^3) */
        x = te_sat_shl((int32_t)((uint32_t)te_srdhm(half_three, x) -
                                 (uint32_t)te_srdhm(half_input, x3)), 3);
    }
    x = te_srdhm(x, 1518500250);                                    /* * sqrt(2) / 2 */
    if (out_shift < 0) {
        x = (int32_t)((uint32_t)x << -out_shift);
        out_shift = 0;
    }
    *mult = x;
    *shift = -out_shift;
}

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
        l2_inv_sqrt(acc, &mult, &shift);
        for (c = 0; c < depth; ++c) {
            y[c] = (int8_t)te_clamp(te_requant(x[c] - in_zp, mult, shift + 7), -128, 127);
        }
    }
}
