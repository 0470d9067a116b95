#ifndef TE_TRANSPOSE_CONV_S16_H_
#define TE_TRANSPOSE_CONV_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_transpose_conv_s16(const int16_t *in, int32_t batches, int32_t in_h, int32_t in_w,
                           int32_t in_c, const int8_t *w, const int64_t *bias64,
                           const int16_t *bias16, int32_t k_h, int32_t k_w, int32_t stride_h,
                           int32_t stride_w, int32_t pad_t, int32_t pad_l, int16_t *out,
                           int32_t out_h, int32_t out_w, int32_t out_c, const int32_t *mult,
                           const int32_t *shift, int32_t act_min, int32_t act_max);

#endif
