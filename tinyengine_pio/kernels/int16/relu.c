/* RELU int16: TFLM's ReluQuantized<int16_t> (zero points 0, as its Prepare requires): each
 * value requantized by MultiplyByQuantizedMultiplier, clamped to [0, 32767]. RELU6 int16:
 * Relu6Quantized, a clamp to [zero, six] in the input's quantization. in == out allowed. */
#include "relu_s16.h"

void te_relu_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift,
                 int32_t act_min, int32_t act_max) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)te_clamp(te_requant(in[i], mult, shift), act_min, act_max);
    }
}

void te_clamp_s16(const int16_t *in, int16_t *out, int32_t n, int32_t lo, int32_t hi) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)te_clamp(in[i], lo, hi);
    }
}
