/* RSQRT int16: TFLM's RsqrtEvalQuantized<int16_t> (zero points 0): per value v > 0,
 * GetInvSqrtQuantizedMultiplierExp(v, kReverseShift -1) (common.h: gemmlowp's Newton-Raphson
 * on Q3.28), MultiplyByQuantizedMultiplier(1, inv, inv_shift + 20), then by the output
 * multiplier with its shift less 20, clamped to int16. v == 0 gives 32767; so does v < 0, where
 * TFLM stops ("only defined for positive values"). in == out allowed. */
#include "rsqrt_s16.h"

void te_rsqrt_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t v = in[i];
        int32_t inv, inv_shift;
        if (v <= 0) {
            out[i] = (int16_t)TE_INT16_MAX;
            continue;
        }
        te_inv_sqrt_exp(v, &inv, &inv_shift);
        out[i] = (int16_t)te_clamp(te_requant(te_requant(1, inv, inv_shift + 20), mult, shift),
                                   TE_INT16_MIN, TE_INT16_MAX);
    }
}
