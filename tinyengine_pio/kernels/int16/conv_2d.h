#ifndef TE_CONV_2D_S16_H_
#define TE_CONV_2D_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* bias64 (int64 accumulator) or bias32 (TFLM's int32-bias path): the one the accumulator
 * uses, the other NULL; both NULL without a bias (then acc32 picks the accumulator). */
void te_conv_2d_s16(const int16_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                    const int8_t *w, const int64_t *bias64, const int32_t *bias32, int32_t acc32,
                    int32_t k_h, int32_t k_w, int32_t f_c, int32_t stride_h, int32_t stride_w,
                    int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l, int16_t *out,
                    int32_t out_h, int32_t out_w, int32_t out_c, const int32_t *mult,
                    const int32_t *shift, int32_t act_min, int32_t act_max);

#endif
