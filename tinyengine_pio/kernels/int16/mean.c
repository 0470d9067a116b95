/* MEAN int16: TFLite's reference_ops::QuantizedMeanOrSum<int16_t, int32_t> as TFLM's
 * reduce.cc runs it: the int32 sum over the reduced dims, minus zero point x count, one
 * MultiplyByQuantizedMultiplier (1 / count folded into mult / shift on the host), + output
 * zero point, clamped to int16. */
#include "mean_s16.h"

void te_mean_s16(const int16_t *in, int16_t *out, int32_t k0, int32_t ks0, int32_t k1,
                 int32_t ks1, int32_t k2, int32_t ks2, int32_t k3, int32_t ks3, int32_t r0,
                 int32_t rs0, int32_t r1, int32_t rs1, int32_t r2, int32_t rs2, int32_t r3,
                 int32_t rs3, int32_t count, int32_t in_zp, int32_t mult, int32_t shift,
                 int32_t out_zp) {
    int32_t a, b, c, d, i, j, k, l;
    for (a = 0; a < k0; ++a) {
        for (b = 0; b < k1; ++b) {
            for (c = 0; c < k2; ++c) {
                for (d = 0; d < k3; ++d) {
                    const int16_t *base = in + a * ks0 + b * ks1 + c * ks2 + d * ks3;
                    int32_t sum = 0;
                    for (i = 0; i < r0; ++i) {
                        for (j = 0; j < r1; ++j) {
                            for (k = 0; k < r2; ++k) {
                                for (l = 0; l < r3; ++l) {
                                    sum += base[i * rs0 + j * rs1 + k * rs2 + l * rs3];
                                }
                            }
                        }
                    }
                    sum -= in_zp * count;
                    *out++ = (int16_t)te_clamp(te_requant(sum, mult, shift) + out_zp,
                                               TE_INT16_MIN, TE_INT16_MAX);
                }
            }
        }
    }
}
