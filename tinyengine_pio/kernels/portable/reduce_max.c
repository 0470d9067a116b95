/* REDUCE_MAX int8: the largest value over the reduced dims (same quantization in and out), as
 * TFLM reference_ops::ReduceGeneric<int8_t> with init_value -128 and (in > current). */
#include "reduce_max.h"
#include "te_isa.h"

void te_reduce_max_s8(const int8_t *in, int8_t *out,
                      int32_t k0, int32_t ks0, int32_t k1, int32_t ks1, int32_t k2, int32_t ks2,
                      int32_t k3, int32_t ks3,
                      int32_t r0, int32_t rs0, int32_t r1, int32_t rs1, int32_t r2, int32_t rs2,
                      int32_t r3, int32_t rs3) {
    int32_t a, b, c, d, i, j, k, l;
    for (a = 0; a < k0; ++a)
        for (b = 0; b < k1; ++b)
            for (c = 0; c < k2; ++c)
                for (d = 0; d < k3; ++d) {
                    const int8_t *base = in + a * ks0 + b * ks1 + c * ks2 + d * ks3;
                    int8_t best = -128;
                    for (i = 0; i < r0; ++i)
                        for (j = 0; j < r1; ++j)
                            for (k = 0; k < r2; ++k)
                                for (l = 0; l < r3; ++l) {
                                    const int8_t v = base[i * rs0 + j * rs1 + k * rs2 + l * rs3];
                                    if (v > best) {
                                        best = v;
                                    }
                                }
                    *out++ = best;
                }
}
