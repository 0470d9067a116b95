/* SUM, MEAN, REDUCE_MAX, REDUCE_MIN float32, as TFLM's reference_ops::ReduceGeneric<float> and
 * reference_ops::Mean: each output starts from the reducer's initial value and takes its
 * elements in the row-major order of the reduced dims, one float operation each, so the bits
 * are TFLM's. SUM: 0.0f, in + current; MEAN: the same sum, then / (float)count; REDUCE_MAX:
 * the lowest float, (in > current) ? in : current; REDUCE_MIN: the largest, (in < current). */
#include "reduce_f32.h"

/* The loop nest: `acc` starts at `init`, `step` runs per input value `v`, and `*out++` gets
 * `result`. */
#define TE_REDUCE_F32_LOOP(init, step, result)                                               \
    do {                                                                                     \
        int32_t a, b, c, d, i, j, k, l;                                                      \
        for (a = 0; a < k0; ++a)                                                             \
            for (b = 0; b < k1; ++b)                                                         \
                for (c = 0; c < k2; ++c)                                                     \
                    for (d = 0; d < k3; ++d) {                                               \
                        const float *base = in + a * ks0 + b * ks1 + c * ks2 + d * ks3;      \
                        float acc = (init);                                                  \
                        for (i = 0; i < r0; ++i)                                             \
                            for (j = 0; j < r1; ++j)                                         \
                                for (k = 0; k < r2; ++k)                                     \
                                    for (l = 0; l < r3; ++l) {                               \
                                        const float v =                                      \
                                            base[i * rs0 + j * rs1 + k * rs2 + l * rs3];     \
                                        step;                                                \
                                    }                                                        \
                        *out++ = (result);                                                   \
                    }                                                                        \
    } while (0)

void te_reduce_sum_f32(TE_REDUCE_F32_ARGS) {
    TE_REDUCE_F32_LOOP(0.0f, acc = v + acc, acc);
}

void te_reduce_mean_f32(TE_REDUCE_F32_ARGS, int32_t count) {
    TE_REDUCE_F32_LOOP(0.0f, acc = acc + v, acc / (float)count);
}

void te_reduce_max_f32(TE_REDUCE_F32_ARGS) {
    TE_REDUCE_F32_LOOP(-TE_FLT_MAX, acc = (v > acc) ? v : acc, acc);
}

void te_reduce_min_f32(TE_REDUCE_F32_ARGS) {
    TE_REDUCE_F32_LOOP(TE_FLT_MAX, acc = (v < acc) ? v : acc, acc);
}
