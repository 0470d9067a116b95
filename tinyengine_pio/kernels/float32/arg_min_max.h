#ifndef TE_ARG_MIN_MAX_F32_H_
#define TE_ARG_MIN_MAX_F32_H_

#include <stdint.h>

/* ARG_MAX (is_max 1) / ARG_MIN (is_max 0) of a float32 tensor viewed as [outer, axis_size,
 * inner]: out[o * inner + i] is the first index along the axis of the largest (smallest) value. */
void te_arg_min_max_f32_i32(const float *in, int32_t *out, int32_t outer, int32_t axis_size,
                            int32_t inner, int32_t is_max);
void te_arg_min_max_f32_i64(const float *in, int64_t *out, int32_t outer, int32_t axis_size,
                            int32_t inner, int32_t is_max);

#endif
