#ifndef TE_DEPTHWISE_CONV_2D_H_
#define TE_DEPTHWISE_CONV_2D_H_
#include <stdint.h>

/* `bias` holds 2 * out_c values: the bias, then the bias with the input offset folded in
 * (in_off * sum of the channel's taps), used where all taps are inside the input.
 * `wx`, `rq` (TE_FAST builds, depth multiplier 1, else NULL): per group of four channels, the
 * taps widened to int16 and doubled (2w of channels 0,2 then 1,3 in two words per tap), and
 * {2 * folded bias, multiplier, 2^(e-1) + (out_off << e), e} for each of its four channels.
 * In place with `wx`, the scratch holds one padded group plane: ((out_h - 1) * stride_h +
 * dil_h * (k_h - 1) + 1) x ((out_w - 1) * stride_w + dil_w * (k_w - 1) + 1) x 4 bytes. */

void te_depthwise_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                             int32_t depth_mult, int32_t stride_h, int32_t stride_w,
                             int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l,
                             int8_t *out, int32_t out_h, int32_t out_w,
                             int32_t in_off, int32_t out_off, const int32_t *mult,
                             const int32_t *shift, int32_t act_min, int32_t act_max,
                             const uint32_t *wx, const int32_t *rq);

/* In place (depth multiplier 1): `buf` holds the input and receives the output. Channels go in
 * groups of TE_DW_GROUP: a group's input planes are first copied to `scratch`
 * (in_h * in_w * TE_DW_GROUP bytes), so an output byte of channel c only ever overwrites input
 * bytes of channels of its own group, already copied out. */
#define TE_DW_GROUP 4
void te_depthwise_conv_2d_inplace_s8(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                     const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                                     int32_t stride_h, int32_t stride_w, int32_t dil_h,
                                     int32_t dil_w, int32_t pad_t, int32_t pad_l,
                                     int32_t out_h, int32_t out_w, int32_t in_off, int32_t out_off,
                                     const int32_t *mult, const int32_t *shift, int32_t act_min,
                                     int32_t act_max, int8_t *scratch, const uint32_t *wx,
                                     const int32_t *rq);

#endif
