/* RSQRT int16: TFLM's RsqrtEvalQuantized<int16_t> (zero points 0): per value v > 0,
 * GetInvSqrtQuantizedMultiplierExp(v, kReverseShift -1) (common.h: gemmlowp's Newton-Raphson
 * on Q3.28), MultiplyByQuantizedMultiplier(1, inv, inv_shift + 20), then by the output
 * multiplier with its shift less 20, clamped to int16. v == 0 gives 32767; so does v < 0, where
 * TFLM stops ("only defined for positive values"). in == out allowed. */
#include "rsqrt_s16.h"

/* GetInvSqrtQuantizedMultiplierExp(input, kReverseShift = -1, ...) for input > 1 */
static void rsqrt_inv_sqrt(int32_t input, int32_t *mult, int32_t *shift) {
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t out_shift = 11, pairs, half_input, x, i;
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

void te_rsqrt_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t v = in[i];
        int32_t inv = INT32_MAX, inv_shift = 0;
        if (v <= 0) {
            out[i] = (int16_t)TE_INT16_MAX;
            continue;
        }
        if (v > 1) {
            rsqrt_inv_sqrt(v, &inv, &inv_shift);
        }
        out[i] = (int16_t)te_clamp(te_requant(te_requant(1, inv, inv_shift + 20), mult, shift),
                                   TE_INT16_MIN, TE_INT16_MAX);
    }
}
