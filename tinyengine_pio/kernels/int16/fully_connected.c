/* FULLY_CONNECTED int16x8: TFLite's reference_integer_ops::FullyConnected(PerChannel) with
 * int16 input and output, int8 weights (zero point 0). Per output: the products
 * w * (x + in_off) summed in depth order, + bias, requantized per unit (a per-tensor
 * multiplier is the same one repeated), + out_off, clamped. te_fully_connected_s16 accumulates
 * in int64 with an int64 bias and MultiplyByQuantizedMultiplier(int64_t); _acc32 is TFLM's
 * int32-bias path (int32 accumulator, the 32-bit MultiplyByQuantizedMultiplier). */
#include <stddef.h>

#include "fully_connected_s16.h"

/* The loops both accumulators share: the products and bias summed in ACC_T, then REQUANT. */
#define TE_FC_S16_LOOPS(ACC_T, REQUANT)                                        \
    do {                                                                       \
        int32_t b, u, d;                                                       \
        for (b = 0; b < batches; ++b) {                                        \
            const int16_t *xb = x + b * depth;                                 \
            for (u = 0; u < units; ++u) {                                      \
                const int8_t *wu = w + u * depth;                              \
                ACC_T acc = 0;                                                 \
                int32_t v;                                                     \
                for (d = 0; d < depth; ++d) {                                  \
                    acc += (int32_t)wu[d] * ((int32_t)xb[d] + in_off);         \
                }                                                              \
                if (bias != NULL) {                                            \
                    acc += bias[u];                                            \
                }                                                              \
                v = REQUANT(acc, mult[u], shift[u]) + out_off;                 \
                *out++ = (int16_t)te_clamp(v, act_min, act_max);               \
            }                                                                  \
        }                                                                      \
    } while (0)

void te_fully_connected_s16(const int16_t *x, const int8_t *w, const int64_t *bias,
                            int16_t *out, int32_t batches, int32_t depth, int32_t units,
                            int32_t in_off, int32_t out_off, const int32_t *mult,
                            const int32_t *shift, int32_t act_min, int32_t act_max) {
    TE_FC_S16_LOOPS(int64_t, te_requant64);
}

void te_fully_connected_acc32_s16(const int16_t *x, const int8_t *w, const int32_t *bias,
                                  int16_t *out, int32_t batches, int32_t depth, int32_t units,
                                  int32_t in_off, int32_t out_off, const int32_t *mult,
                                  const int32_t *shift, int32_t act_min, int32_t act_max) {
    TE_FC_S16_LOOPS(int32_t, te_requant);
}
