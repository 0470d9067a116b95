/* PRELU int16 with an int8 alpha: TFLM's reference_ops::BroadcastPrelu4DSlow<int16_t, int8_t>
 * over a 4-D loop nest with per-input strides (0 = broadcast): v = x - input zero point; v >= 0
 * requantized by mult_1, else v * (alpha - alpha zero point) by mult_2; plus the output zero
 * point, clamped to int16. */
#include "prelu_s16.h"

void te_prelu_s16(const int16_t *x, const int8_t *alpha, int16_t *out, int32_t d0, int32_t d1,
                  int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                  int32_t b0, int32_t b1, int32_t b2, int32_t b3, int32_t in_off,
                  int32_t alpha_off, int32_t mult_1, int32_t shift_1, int32_t mult_2,
                  int32_t shift_2, int32_t out_off) {
    int32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < d0; ++i0) {
        for (i1 = 0; i1 < d1; ++i1) {
            for (i2 = 0; i2 < d2; ++i2) {
                const int16_t *px = x + i0 * a0 + i1 * a1 + i2 * a2;
                const int8_t *pa = alpha + i0 * b0 + i1 * b1 + i2 * b2;
                for (i3 = 0; i3 < d3; ++i3) {
                    const int32_t v = px[i3 * a3] + in_off;
                    int32_t r;
                    if (v >= 0) {
                        r = te_requant(v, mult_1, shift_1);
                    } else {
                        r = te_requant(v * (pa[i3 * b3] + alpha_off), mult_2, shift_2);
                    }
                    *out++ = (int16_t)te_clamp(r + out_off, TE_INT16_MIN, TE_INT16_MAX);
                }
            }
        }
    }
}
