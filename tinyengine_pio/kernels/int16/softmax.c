/* SOFTMAX int16: TFLite's reference_ops::SoftmaxInt16 as TFLM's softmax.cc runs it. Per row:
 * the maximum; each x - max requantized to [-65535, 0] (= [-10, 0]), recentred by +32767 and
 * saturated, exp through the exp LUT (Q0.15), the exps cached in the output and summed; the
 * sum normalised by its leading zeros to Q1.14-ish, recentred (x - 1, then to [-32768, 32767])
 * for the 1 / (1 + x) LUT; each exp times that reciprocal, shifted back with rounding and
 * clamped to [0, 32767]. The output row may be the input row (each element is read before it
 * is written). */
#include "softmax_s16.h"

void te_softmax_s16(const int16_t *in, int16_t *out, int32_t outer, int32_t depth, int32_t mult,
                    int32_t shift, const int16_t *exp_lut, const int16_t *recip_lut) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const int16_t *x = in + i * depth;
        int16_t *y = out + i * depth;
        int16_t max_in_row = INT16_MIN;
        int32_t sum = 0;
        int32_t clz, shifted, right;
        int16_t recip;
        for (c = 0; c < depth; ++c) {
            max_in_row = x[c] > max_in_row ? x[c] : max_in_row;
        }
        for (c = 0; c < depth; ++c) {
            const int32_t scaled = te_requant((int32_t)x[c] - max_in_row, mult, shift) + 32767;
            y[c] = te_lut16((int16_t)te_clamp(scaled, TE_INT16_MIN, TE_INT16_MAX), exp_lut);
            sum += y[c];
        }
        clz = te_clz32((uint32_t)sum);
        shifted = (int32_t)((((int64_t)sum << (clz - 1)) + (1 << 13)) >> 14);
        recip = te_lut16((int16_t)te_clamp(shifted - ((1 << 15) + (1 << 16)), TE_INT16_MIN,
                                           TE_INT16_MAX), recip_lut);
        right = 31 - clz;
        for (c = 0; c < depth; ++c) {
            const int32_t r = (int32_t)(((int64_t)y[c] * recip + ((int64_t)1 << (right - 1))) >>
                                        right);
            y[c] = (int16_t)te_clamp(r, 0, 32767);
        }
    }
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1 on Q0.31 raw values (as kernels/portable/softmax.c,
 * whose copy is private to the int8 kernel). */
static int32_t te_s16_one_over_one_plus_x(int32_t a) {
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = 1515870810 + te_srdhm(half_denominator, -1010580540); /* 48/17 - 32/17 d */
    int32_t i;
    for (i = 0; i < 3; ++i) {
        const int32_t hd_x = te_srdhm(half_denominator, x);
        const int32_t one_minus = (1 << 29) - hd_x;
        x = x + te_sat_shl(te_srdhm(x, one_minus), 2);
    }
    return te_sat_shl(x, 1);
}

/* SOFTMAX int8 -> int16: reference_ops::Softmax<int8_t, int16_t> (gemmlowp), the int8
 * kernel's algorithm with the output type's bits: the exps summed in Q12.19 (the host keeps
 * depth < 4096, so the int32 sum cannot wrap), the reciprocal, each output
 * RoundingDivideByPOT(recip * exp, bits over unit + 31 - 16) - 32768, clamped; a difference
 * below diff_min writes -32768. in == out allowed (element-wise order). */
void te_softmax_s8_s16(const int8_t *in, int16_t *out, int32_t outer, int32_t depth,
                       const int32_t *exp_table) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const int8_t *x = in + i * depth;
        int16_t *y = out + i * depth;
        int32_t max_in_row = -128, headroom, recip, exponent;
        uint32_t sum = 0;
        for (c = 0; c < depth; ++c) {
            max_in_row = x[c] > max_in_row ? x[c] : max_in_row;
        }
        for (c = 0; c < depth; ++c) {
            sum += (uint32_t)te_rdbpot(exp_table[max_in_row - x[c]], 12);   /* Q0.31 -> Q12.19 */
        }
        headroom = te_clz32(sum);
        recip = te_s16_one_over_one_plus_x((int32_t)((sum << headroom) - 0x80000000u));
        exponent = 12 - headroom + 31 - 16;
        for (c = 0; c < depth; ++c) {
            const int32_t e = exp_table[max_in_row - x[c]];
            if (e == 0 && max_in_row != x[c]) {
                y[c] = TE_INT16_MIN;
            } else {
                y[c] = (int16_t)te_clamp(te_rdbpot(te_srdhm(recip, e), exponent) + TE_INT16_MIN,
                                         TE_INT16_MIN, TE_INT16_MAX);
            }
        }
    }
}
