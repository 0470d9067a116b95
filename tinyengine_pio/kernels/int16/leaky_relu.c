/* LEAKY_RELU int16: TFLite's reference_ops::QuantizeLeakyRelu<int16_t> as TFLM's
 * leaky_relu.cc runs it: x - in_zp >= 0 requantized by the identity multiplier, below zero by
 * the alpha one (|multiplier| with the product negated for a negative alpha), + out_zp,
 * clamped to int16. in == out allowed. */
#include "leaky_relu_s16.h"

void te_leaky_relu_s16(const int16_t *in, int16_t *out, int32_t n, int32_t in_zp,
                       int32_t out_zp, int32_t id_mult, int32_t id_shift, int32_t alpha_mult,
                       int32_t alpha_shift, int32_t alpha_negative) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t x = (int32_t)in[i] - in_zp;
        int32_t v;
        if (x >= 0) {
            v = te_requant(x, id_mult, id_shift);
        } else {
            v = te_requant(x, alpha_mult, alpha_shift);
            v = alpha_negative ? -v : v;
        }
        out[i] = (int16_t)te_clamp(out_zp + v, TE_INT16_MIN, TE_INT16_MAX);
    }
}
