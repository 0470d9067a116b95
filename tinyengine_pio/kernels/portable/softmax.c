/* SOFTMAX int8 -> int8, bit-exact with TFLM reference_ops::Softmax (gemmlowp fixed point):
 * sum of exp in Q12.19, reciprocal by Newton-Raphson (one_over_one_plus_x_for_x_in_0_1),
 * output = RoundingDivideByPOT(recip * exp, exponent) - 128. in == out allowed. */
#include "softmax.h"
#include "te_isa.h"

/* gemmlowp one_over_one_plus_x_for_x_in_0_1 on Q0.31 raw values. */
static int32_t te_one_over_one_plus_x(int32_t a) {
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = 1515870810 + te_srdhm(half_denominator, -1010580540); /* 48/17 - 32/17 d (Q2.29) */
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t hd_x = te_srdhm(half_denominator, x);
        const int32_t one_minus = (1 << 29) - hd_x;
        x = x + te_sat_shl(te_srdhm(x, one_minus), 2);
    }
    return te_sat_shl(x, 1);
}

void te_softmax_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t depth,
                   const int32_t *exp_table) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const int8_t *x = in + i * depth;
        int8_t *y = out + i * depth;
        int32_t max_in_row = -128, headroom, bits_over_unit, recip, exponent;
        uint32_t sum = 0;   /* int32 add in TFLM; unsigned here so a wrap stays defined */
        for (c = 0; c < depth; ++c) {
            max_in_row = x[c] > max_in_row ? x[c] : max_in_row;
        }
        for (c = 0; c < depth; ++c) {
            sum += (uint32_t)te_rdbpot(exp_table[max_in_row - x[c]], 12);   /* Q0.31 -> Q12.19 */
        }
        if (sum == 0u) {
            sum = 1u;   /* only after a wrap (4096+ equal maxima; TFLM aborts there) */
        }
        headroom = te_clz32(sum);
        bits_over_unit = 12 - headroom;
        recip = te_one_over_one_plus_x((int32_t)((sum << headroom) - 0x80000000u));
        exponent = bits_over_unit + 31 - 8;
        if (exponent > 31) {
            exponent = 31;   /* > 256 equal maxima in a row: TFLM aborts; stay defined here */
        }
        for (c = 0; c < depth; ++c) {
            const int32_t e = exp_table[max_in_row - x[c]];
            if (e == 0 && max_in_row != x[c]) {
                y[c] = -128;       /* below diff_min: TFLite writes the minimum */
            } else {
                y[c] = (int8_t)te_clamp(te_rdbpot(te_srdhm(recip, e), exponent) - 128, -128, 127);
            }
        }
    }
}
