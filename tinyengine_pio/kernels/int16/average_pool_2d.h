#ifndef TE_AVERAGE_POOL_2D_S16_H_
#define TE_AVERAGE_POOL_2D_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_average_pool_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t c_n,
                            int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                            int32_t pad_t, int32_t pad_l, int16_t *out, int32_t out_h,
                            int32_t out_w, int32_t act_min, int32_t act_max);

#endif
