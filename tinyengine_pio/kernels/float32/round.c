/* ROUND float32: TFLM's reference_ops::RoundToNearest (half to even by hand):
 * f = floor(x), d = x - f; f where d < 0.5 or d == 0.5 with (int)f even, else f + 1 (so -0.3
 * and -0.5 give +0, NaN and inf stay). */
#include "round_f32.h"
#include "te_float.h"

void te_round_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float v = in[i];
        const float f = te_floorf(v);
        const float d = v - f;
        /* (int32_t)f runs only where d == 0.5, so |f| < 2^23 */
        out[i] = (d < 0.5f || (d == 0.5f && (int32_t)f % 2 == 0)) ? f : f + 1.0f;
    }
}
