/* FULLY_CONNECTED float32: TFLM's reference_ops::FullyConnected order (each output's products
 * summed in depth order from 0.0f, then + bias, then the clamp), so the bits are TFLM's. */
#include <stddef.h>

#include "fully_connected_f32.h"

void te_fully_connected_f32(const float *x, const float *w, const float *bias, float *out,
                            int32_t batches, int32_t depth, int32_t units, float lo, float hi) {
    int32_t b, u, d;
    for (b = 0; b < batches; ++b) {
        const float *xb = x + b * depth;
        for (u = 0; u < units; ++u) {
            const float *wu = w + u * depth;
            float total = 0.0f;
            for (d = 0; d < depth; ++d) {
                total += xb[d] * wu[d];
            }
            *out++ = te_clampf(total + (bias != NULL ? bias[u] : 0.0f), lo, hi);
        }
    }
}
