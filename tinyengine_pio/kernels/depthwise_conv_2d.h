#ifndef TE_DEPTHWISE_CONV_2D_H_
#define TE_DEPTHWISE_CONV_2D_H_
#include <stdint.h>

#include "te_common.h"
#include "te_layouts.h"   /* TE_DW_GROUP, TE_DW_RQ: layouts/depthwise.py */

/* `bias` holds 2 * out_c values: the bias, then the bias with the input offset folded in
 * (in_off * sum of the channel's taps), used where all taps are inside the input.
 * The portable entries; the generated code calls the _dsp / _mve ones below instead in the
 * builds that have them (its #if TE_MVE / TE_FAST ladder), where the op has their operands. */

void te_depthwise_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                             int32_t depth_mult, int32_t stride_h, int32_t stride_w,
                             int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l,
                             int8_t *out, int32_t out_h, int32_t out_w,
                             int32_t in_off, int32_t out_off, const int32_t *mult,
                             const int32_t *shift, int32_t act_min, int32_t act_max);

/* In place (depth multiplier 1): `buf` holds the input and receives the output. Channels go in
 * groups of TE_DW_GROUP: a group's input planes are first copied to `scratch`
 * (in_h * in_w * TE_DW_GROUP bytes), so an output byte of channel c only ever overwrites input
 * bytes of channels of its own group, already copied out. */
void te_depthwise_conv_2d_inplace_s8(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                     const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                                     int32_t stride_h, int32_t stride_w, int32_t dil_h,
                                     int32_t dil_w, int32_t pad_t, int32_t pad_l,
                                     int32_t out_h, int32_t out_w, int32_t in_off, int32_t out_off,
                                     const int32_t *mult, const int32_t *shift, int32_t act_min,
                                     int32_t act_max, int8_t *scratch);

/* The channels c0.. of te_depthwise_conv_2d_inplace_s8 (the fast entries run the groups of
 * four channels first, then this). */
void te_depthwise_conv_2d_inplace_tail_s8(int8_t *buf, int32_t in_h, int32_t in_w, int32_t c,
                                          const int8_t *w, const int32_t *bias, int32_t k_h,
                                          int32_t k_w, int32_t stride_h, int32_t stride_w,
                                          int32_t dil_h, int32_t dil_w, int32_t pad_t,
                                          int32_t pad_l, int32_t out_h, int32_t out_w,
                                          int32_t in_off, int32_t out_off, const int32_t *mult,
                                          const int32_t *shift, int32_t act_min,
                                          int32_t act_max, int8_t *scratch, int32_t c0);

/* Depth multiplier 1 with the fast operands: dsp/depthwise_conv_2d.c (TE_FAST builds without
 * Helium) and mve/depthwise_conv_2d.c (TE_MVE), one body (depthwise_conv_2d_fast.h). `c`
 * channels; w, bias, mult, shift serve the c % 4 last.
 * `wx`, `rq`: per group of four channels, the taps widened to int16 and doubled (2w of
 * channels 0,2 then 1,3 in two words per tap), and {2 * folded bias, multiplier,
 * 2^(e-1) + (out_off << e), e, 2 * bias} for each of its four channels (layouts/depthwise.py).
 * In place, the scratch holds one padded group plane: ((out_h - 1) * stride_h +
 * dil_h * (k_h - 1) + 1) x ((out_w - 1) * stride_w + dil_w * (k_w - 1) + 1) x 4 bytes. */
#define TE_DW_FAST_DECL(isa)                                                              \
    void te_depthwise_conv_2d_##isa(                                                      \
        const int8_t *in, int32_t in_h, int32_t in_w, int32_t c, const uint32_t *wx,      \
        const int32_t *rq, int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,  \
        int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l, int8_t *out,          \
        int32_t out_h, int32_t out_w, int32_t in_off, const int8_t *w, const int32_t *bias, \
        int32_t out_off, const int32_t *mult, const int32_t *shift, int32_t act_min,      \
        int32_t act_max);                                                                 \
    void te_depthwise_conv_2d_inplace_##isa(                                              \
        int8_t *buf, int32_t in_h, int32_t in_w, int32_t c, const int8_t *w,              \
        const int32_t *bias, int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w, \
        int32_t dil_h, int32_t dil_w, int32_t pad_t, int32_t pad_l, int32_t out_h,        \
        int32_t out_w, int32_t in_off, int32_t out_off, const int32_t *mult,              \
        const int32_t *shift, int32_t act_min, int32_t act_max, int8_t *scratch,          \
        const uint32_t *wx, const int32_t *rq);
#if TE_FAST
TE_DW_FAST_DECL(dsp)
/* dsp/depthwise_conv_2d.c, 3x3 (dilation 1, stride_w 1 or 2, out_w <= TE_DW_RING_MAX_W):
 * planar through a ring of three input rows in `scratch` (layouts/depthwise.py ring_bytes), no
 * border case; wr, rr per channel of the four-channel groups (layouts/depthwise.py ring_taps,
 * ring_rq), w, bias, mult, shift for the c % 4 last. */
#define TE_DW_RING_MAX_W 128
void te_depthwise_conv_2d_ring_dsp(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                                   const uint32_t *wr, const int32_t *rr, int32_t stride_h,
                                   int32_t stride_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                                   int32_t out_h, int32_t out_w, int32_t in_off,
                                   const int8_t *w, const int32_t *bias, int32_t out_off,
                                   const int32_t *mult, const int32_t *shift, int32_t act_min,
                                   int32_t act_max, int8_t *scratch);
/* In place, 3x3 stride 1: channel by channel through one padded int16 plane in `scratch`
 * (layouts/depthwise.py inplace_plane_bytes), rows along the longer side (`transposed`: the
 * plane's rows are the input's columns, wr holds the transposed taps). */
void te_depthwise_conv_2d_inplace_planar_dsp(
        int8_t *buf, int32_t in_h, int32_t in_w, int32_t c, const int8_t *w, const int32_t *bias,
        int32_t pad_t, int32_t pad_l, int32_t out_h, int32_t out_w, int32_t in_off,
        int32_t out_off, const int32_t *mult, const int32_t *shift, int32_t act_min,
        int32_t act_max, int8_t *scratch, const uint32_t *wr, const int32_t *rr,
        int32_t transposed);
/* One-dimensional maps (1 x L x 1 x C with k x 1 taps, or 1 x 1 x L x C with 1 x k), any
 * stride, dilation and padding (`pad` before the first pixel): a FIR per channel through one
 * int16 row of te_dw_fir_pitch halfwords in `scratch` (layouts/depthwise.py fir_bytes); `out`
 * may be `in` (in place). wf, rf per channel (layouts/depthwise.py fir_taps, ring_rq). */
static inline int32_t te_dw_fir_pitch(int32_t len_out, int32_t k, int32_t stride,
                                      int32_t dil) {
    return ((len_out - 1) * stride + dil * (k - 1) + 3) & ~1;   /* the span, one halfword past */
}
void te_depthwise_conv_2d_fir_dsp(const int8_t *in, int32_t len_in, int32_t c,
                                  const uint32_t *wf, const int32_t *rf, int32_t k,
                                  int32_t stride, int32_t dil, int32_t pad, int8_t *out,
                                  int32_t len_out, int32_t in_off, int32_t act_min,
                                  int32_t act_max, int8_t *scratch);
#endif
#if TE_MVE
TE_DW_FAST_DECL(mve)
/* mve/depthwise_conv_2d.c: the in-place kernel on `buf` after moving `in` there (3x3,
 * stride 1, output the input's shape). */
void te_depthwise_conv_2d_moved_mve(const int8_t *in, int32_t bytes, int8_t *buf, int32_t in_h,
                                    int32_t in_w, int32_t c, const int8_t *w,
                                    const int32_t *bias, int32_t pad_t, int32_t pad_l,
                                    int32_t in_off, int32_t out_off, const int32_t *mult,
                                    const int32_t *shift, int32_t act_min, int32_t act_max,
                                    int8_t *scratch, const uint32_t *wx, const int32_t *rq);
#endif

/* First and one-past-last kernel index whose input coordinate lies in [0, size). */
static inline void te_dw_valid(int32_t origin, int32_t dil, int32_t k, int32_t size,
                               int32_t *k0, int32_t *k1) {
    int32_t a = 0, b = k;
    if (dil == 1) {                      /* closed form */
        a = origin < 0 ? -origin : 0;
        b = size - origin < k ? size - origin : k;
        *k0 = a < k ? a : k;
        *k1 = b > *k0 ? b : *k0;
        return;
    }
    while (a < k && origin + dil * a < 0) {
        ++a;
    }
    while (b > a && origin + dil * (b - 1) >= size) {
        --b;
    }
    *k0 = a;
    *k1 = b;
}

#endif
