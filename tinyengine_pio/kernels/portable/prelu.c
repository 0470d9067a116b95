/* PRELU int8 over a 4-D loop nest with per-input strides (0 = broadcast).
 * Arithmetic follows TFLM reference_ops::BroadcastPrelu4DSlow / Prelu bit for bit. */
#include "prelu.h"
#include "te_isa.h"

void te_prelu_s8(const int8_t *x, const int8_t *alpha, int8_t *out,
                 int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                 int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                 int32_t b0, int32_t b1, int32_t b2, int32_t b3,
                 int32_t in_off, int32_t alpha_off, int32_t mult_1, int32_t shift_1,
                 int32_t mult_2, int32_t shift_2, int32_t out_off) {
    int32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < d0; ++i0) {
        for (i1 = 0; i1 < d1; ++i1) {
            for (i2 = 0; i2 < d2; ++i2) {
                const int8_t *px = x + i0 * a0 + i1 * a1 + i2 * a2;
                const int8_t *pa = alpha + i0 * b0 + i1 * b1 + i2 * b2;
                for (i3 = 0; i3 < d3; ++i3) {
                    const int32_t v = px[i3 * a3] + in_off;
                    int32_t r;
                    if (v >= 0) {
                        r = te_requant(v, mult_1, shift_1);
                    } else {
                        r = te_requant(v * (pa[i3 * b3] + alpha_off), mult_2, shift_2);
                    }
                    *out++ = (int8_t)te_clamp(r + out_off, -128, 127);
                }
            }
        }
    }
}
