/* ARG_MAX / ARG_MIN float32, as TFLM reference_ops::ArgMinMax<float> with std::greater /
 * std::less: a strict comparison from the first value on, so ties keep the first index, -0.0 and
 * 0.0 tie, and a NaN never wins (nor is replaced once it is the first value). */
#include "arg_min_max_f32.h"

static int32_t te_arg_index_f32(const float *p, int32_t axis_size, int32_t inner,
                                int32_t is_max) {
    float best = p[0];
    int32_t idx = 0, i;
    for (i = 1; i < axis_size; ++i) {
        const float v = p[i * inner];
        if (is_max ? v > best : v < best) {
            best = v;
            idx = i;
        }
    }
    return idx;
}

void te_arg_min_max_f32_i32(const float *in, int32_t *out, int32_t outer, int32_t axis_size,
                            int32_t inner, int32_t is_max) {
    int32_t o, i;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            out[o * inner + i] = te_arg_index_f32(in + o * axis_size * inner + i, axis_size,
                                                  inner, is_max);
        }
    }
}

void te_arg_min_max_f32_i64(const float *in, int64_t *out, int32_t outer, int32_t axis_size,
                            int32_t inner, int32_t is_max) {
    int32_t o, i;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            out[o * inner + i] = te_arg_index_f32(in + o * axis_size * inner + i, axis_size,
                                                  inner, is_max);
        }
    }
}
