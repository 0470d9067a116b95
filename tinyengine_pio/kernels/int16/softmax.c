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
