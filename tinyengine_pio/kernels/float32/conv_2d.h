#ifndef TE_CONV_2D_F32_H_
#define TE_CONV_2D_F32_H_
#include <stdint.h>

#include "te_float.h"   /* TE_FLT_MAX, the clamp literals of the calls */

void te_conv_2d_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c,
                    const float *w, const float *bias, int32_t k_h, int32_t k_w, int32_t f_c,
                    int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                    int32_t pad_t, int32_t pad_l,
                    float *out, int32_t out_h, int32_t out_w, int32_t out_c, float lo, float hi);

#endif
