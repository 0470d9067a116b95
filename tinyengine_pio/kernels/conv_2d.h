#ifndef TE_CONV_2D_H_
#define TE_CONV_2D_H_
#include <stdint.h>

void te_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                   const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w, int32_t f_c,
                   int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                   int32_t pad_t, int32_t pad_l,
                   int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                   int32_t in_off, int32_t out_off, const int32_t *mult, const int32_t *shift,
                   int32_t act_min, int32_t act_max);

/* 1x1, stride 1, unpadded, in_off folded into bias: pixels x in_c times out_c x in_c. */
void te_conv_2d_1x1_s8(const int8_t *in, int32_t pixels, int32_t in_c, const int8_t *w,
                       const int32_t *bias, int8_t *out, int32_t out_c, int32_t out_off,
                       const int32_t *mult, const int32_t *shift, int32_t act_min,
                       int32_t act_max);

/* k x k through a two-column im2col in `scratch` (2 * k_h * k_w * in_c bytes) and the pair GEMM;
 * padding reads as pad_val (the input zero point); the input offset is folded into bias. */
void te_conv_2d_im2col_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                          int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                          int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                          int32_t out_w, int32_t out_c, int32_t pad_val, int32_t out_off,
                          const int32_t *mult, const int32_t *shift, int32_t act_min,
                          int32_t act_max, int8_t *scratch);

#include "te_common.h"
#if TE_FAST
/* TE_FAST variants: weights `wp` packed by the compiler in row pairs, rq per row pair (gemm.h);
 * `cols` holds two doubled int16 columns (16 * ceil(k / 4) bytes, 4-aligned). */
void te_conv_2d_1x1_fast(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max, uint32_t *cols);
void te_conv_2d_im2col_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                            int32_t act_max, uint32_t *cols, int8_t *stage);
void te_conv_2d_1x1_lean(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max);
void te_conv_2d_im2col_lean(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                            int32_t act_max, int8_t *scratch);
void te_conv_2d_implicit_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                              int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                              int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                              int32_t out_w, int32_t out_c, const int8_t *zp_row,
                              int32_t act_min, int32_t act_max);
#endif

#if TE_MVE
void te_conv_2d_im2col_mve(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const int8_t *w, const int32_t *rq, int32_t k_h, int32_t k_w,
                           int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                           int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                           int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                           int32_t act_max, int8_t *scratch);
#endif

#endif
