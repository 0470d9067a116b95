/* ARG_MAX / ARG_MIN int8, as TFLM reference_ops::ArgMinMax with GreaterFn / LessFn: a strict
 * comparison, so ties keep the first index. */
#include "arg_min_max.h"
#include "te_isa.h"

static int32_t te_arg_index(const int8_t *p, int32_t axis_size, int32_t inner, int32_t is_max) {
    int8_t best = p[0];
    int32_t idx = 0, i;
    for (i = 1; i < axis_size; ++i) {
        const int8_t v = p[i * inner];
        if (is_max ? v > best : v < best) {
            best = v;
            idx = i;
        }
    }
    return idx;
}

void te_arg_min_max_s8_i32(const int8_t *in, int32_t *out, int32_t outer, int32_t axis_size,
                           int32_t inner, int32_t is_max) {
    int32_t o, i;
    for (o = 0; o < outer; ++o)
        for (i = 0; i < inner; ++i)
            out[o * inner + i] = te_arg_index(in + o * axis_size * inner + i, axis_size, inner,
                                              is_max);
}

void te_arg_min_max_s8_i64(const int8_t *in, int64_t *out, int32_t outer, int32_t axis_size,
                           int32_t inner, int32_t is_max) {
    int32_t o, i;
    for (o = 0; o < outer; ++o)
        for (i = 0; i < inner; ++i)
            out[o * inner + i] = te_arg_index(in + o * axis_size * inner + i, axis_size, inner,
                                              is_max);
}
