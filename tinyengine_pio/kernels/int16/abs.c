/* ABS int16: TFLM's elementwise.cc. Quantized (zero points 0): AbsEvalQuantized<int16_t>, |x|
 * as int32, MultiplyByQuantizedMultiplier where the scales differ, clamped to int16. Without
 * quantization: AbsHelper's std::abs cast back to int16 (-32768 stays -32768). in == out
 * allowed. */
#include "abs_s16.h"

void te_abs_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mode, int32_t mult,
                int32_t shift) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t x = in[i];
        const int32_t a = x < 0 ? -x : x;
        if (mode == 0) {
            out[i] = (int16_t)(uint16_t)a;
        } else if (mode == 1) {
            out[i] = (int16_t)te_clamp(a, TE_INT16_MIN, TE_INT16_MAX);
        } else {
            out[i] = (int16_t)te_clamp(te_requant(a, mult, shift), TE_INT16_MIN, TE_INT16_MAX);
        }
    }
}
