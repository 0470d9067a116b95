/* RELU (requantize, then clamp) and RELU6 (clamp to [zero, six]); in == out allowed. */
#include "relu.h"
#include "te_isa.h"

void te_relu_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                int32_t shift, int32_t out_off, int32_t act_min, int32_t act_max) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)te_clamp(out_off + te_requant(in[i] - in_zp, mult, shift), act_min, act_max);
    }
}

void te_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t lo, int32_t hi) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)te_clamp(in[i], lo, hi);
    }
}
