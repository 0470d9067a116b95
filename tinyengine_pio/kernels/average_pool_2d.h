#ifndef TE_AVERAGE_POOL_2D_H_
#define TE_AVERAGE_POOL_2D_H_
#include <stdint.h>

void te_average_pool_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                         int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                         int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                         int32_t act_min, int32_t act_max);

#include "te_common.h"
#if TE_FAST
/* dsp/average_pool_2d.c: the same, four channels at a time (windows of at most 255 inputs). */
void te_average_pool_2d_dsp(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                            int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t act_min, int32_t act_max);
#endif

#endif
