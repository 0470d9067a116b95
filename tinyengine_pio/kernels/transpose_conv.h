#ifndef TE_TRANSPOSE_CONV_H_
#define TE_TRANSPOSE_CONV_H_
#include <stdint.h>

/* TRANSPOSE_CONV int8, NHWC, filter OHWI, per-channel requantization; `acc` holds
 * out_h * out_w * out_c int32 accumulators (one batch). */
void te_transpose_conv_s8(const int8_t *in, int32_t batches, int32_t in_h, int32_t in_w,
                          int32_t in_c, const int8_t *w, const int32_t *bias, int32_t k_h,
                          int32_t k_w, int32_t stride_h, int32_t stride_w, int32_t pad_t,
                          int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                          int32_t out_c, int32_t in_off, int32_t out_off, const int32_t *mult,
                          const int32_t *shift, int32_t act_min, int32_t act_max, int32_t *acc);

#endif /* TE_TRANSPOSE_CONV_H_ */
