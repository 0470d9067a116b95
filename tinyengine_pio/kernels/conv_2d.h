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

/* Winograd F(2x2, 3x3) (3x3, stride 1, dilation 1, ungrouped): u the transformed filter
 * (ops/conv_winograd.py, int16 [16][out_c][in_c]), bias with the input offset folded in,
 * padding read as pad_val; `v` scratch of 16 * in_c int16. Same bytes as te_conv_2d_s8. */
void te_conv_2d_winograd_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const int16_t *u, const int32_t *bias, int32_t pad_t, int32_t pad_l,
                            int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                            int32_t pad_val, int32_t out_off, const int32_t *mult,
                            const int32_t *shift, int32_t act_min, int32_t act_max, int16_t *v);

#include "te_common.h"

/* Winograd F(2x2, 3x3) output transform, shared by the portable and DSP kernels: y[4] =
 * A^T m A (4x the 2x2 output tile) of the 16 sums m (ops/conv_winograd.py). */
TE_INLINE void te_wino_out(const int32_t *m, int32_t *y) {
    int32_t c, t0[4], t1[4];
    for (c = 0; c < 4; ++c) {
        t0[c] = m[c] + m[4 + c] + m[8 + c];
        t1[c] = m[4 + c] - m[8 + c] - m[12 + c];
    }
    y[0] = t0[0] + t0[1] + t0[2];
    y[1] = t0[1] - t0[2] - t0[3];
    y[2] = t1[0] + t1[1] + t1[2];
    y[3] = t1[1] - t1[2] - t1[3];
}

/* Building blocks shared by the variants. te_im2col (portable/conv_2d.c): the receptive field
 * of the output pixel at input corner (iy0, ix0) as k_h * k_w * in_c bytes of col, padded
 * with pad_val. te_next_px: step the output pixel (oy, ox) in scan order when `advance` (a
 * lone last pixel of a pair is gathered twice). */
void te_im2col(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c, int32_t k_h,
               int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h, int32_t dil_w,
               int8_t pad_val, int8_t *col);
TE_INLINE void te_next_px(int32_t *oy, int32_t *ox, int32_t out_w, int advance) {
    if (advance && ++*ox == out_w) {
        *ox = 0;
        ++*oy;
    }
}

#if TE_FAST
/* dsp/conv_2d.c, TE_FAST variants: weights `wp` packed by the compiler in row pairs, rq per
 * row pair (layouts/gemm.py), int8 or, with `w16`, int16 (pack_rows16 in pairs); `cols` holds
 * two doubled int16 columns (16 * ceil(k / 4) bytes, 4-aligned; four for
 * te_conv_2d_1x1_fast4: 32 * ceil(in_c / 4) bytes). */
void te_conv_2d_1x1_fast(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max, uint32_t *cols, int32_t w16);
void te_conv_2d_1x1_fast4(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                          const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                          int32_t act_max, uint32_t *cols, int32_t w16);
void te_conv_2d_im2col_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                            int32_t act_max, uint32_t *cols, int8_t *stage, int32_t w16);
/* One pixel at a time (the 4x1 GEMM, int16 weights): `col` 8 * ceil(k / 4) bytes, in_c % 4
 * == 0. */
void te_conv_2d_im2col_w16(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const uint32_t *w16, const int32_t *rq, int32_t k_h, int32_t k_w,
                           int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                           int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                           int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                           int32_t act_max, uint32_t *col);
/* Four pixels at a time (the 2x4 GEMM): `cols` 32 * ceil(k / 4) bytes, `stage` as above. The
 * fast4 kernels take `w16`: 0 for wp packed as int8 row pairs, 1 for int16 ones (pack_rows16
 * in row pairs, twice the flash, about 0.12 instructions/MAC fewer). */
void te_conv_2d_im2col_fast4(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                             int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                             int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                             int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                             int32_t act_max, uint32_t *cols, int8_t *stage, int32_t w16);
/* Planar first layers (3x3, in_c 1-3, dilation 1, stride_w 1 or 2, out_w <=
 * TE_DW_RING_MAX_W): in_c depthwise-style passes per output channel over int16 rows of the
 * input (ops/conv_planar.py); `scratch` 3 * in_c * pitch int16 (layouts/depthwise.py
 * ring_pitch), word-aligned. */
void te_conv_2d_planar_dsp(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const uint32_t *wr, const int32_t *rr, int32_t stride_h,
                           int32_t stride_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                           int32_t out_h, int32_t out_w, int32_t out_c, int32_t pad_val,
                           int32_t act_min, int32_t act_max, int8_t *scratch);
/* Pointwise with in_c 4, 8 or 12 (no scratch): the pixel in registers, `rec` one record per
 * row (layouts/gemm.py pack_regs). */
void te_conv_2d_1x1_regs(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *rec,
                         int8_t *out, int32_t out_c, int32_t act_min, int32_t act_max);
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
/* Winograd F(2x2, 3x3), dsp/conv_2d_winograd.h: u in words of four rows (ops/conv_winograd.py
 * fast_filter), rq per four rows (layouts/gemm.py), zp_row in_c bytes of the zero point,
 * `vs` V of one tile (32 * ceil(in_c / 4) bytes, 4-aligned), of two where `pairs`. */
void te_conv_2d_winograd_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const uint32_t *u, const int32_t *rq, int32_t pad_t, int32_t pad_l,
                              int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                              int32_t pad_val, const int8_t *zp_row, int32_t act_min,
                              int32_t act_max, uint32_t *vs, int32_t pairs);
/* Padded kernel rows (in_c % 4 != 0, dilation_w 1): each kernel row read in place as
 * run4 = ceil4(k_w * in_c) bytes against weights zero-padded per row (ops/conv_2d.py
 * rows_weights) and widened into int16 columns, four pixels at a time where `quads` (else
 * two), against int16 weights (pack_rows16 in row pairs) where `w16`; `scratch` (word-aligned): 8 * k_h * run4 bytes of columns (4 * k_h * run4 without
 * quads), then (k_h + 1) * run4 for the padding (ops/conv_2d.py rows_scratch). */
void te_conv_2d_rows_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                          int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t pad_t,
                          int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                          int32_t out_c, int32_t pad_val, int32_t act_min, int32_t act_max,
                          int8_t *scratch, int32_t quads, int32_t w16);
#endif

#if TE_MVE
/* mve/conv_2d.c */
void te_conv_2d_im2col_mve(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const int8_t *w, const int32_t *rq, int32_t k_h, int32_t k_w,
                           int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                           int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                           int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                           int32_t act_max, int8_t *scratch);
#endif

#endif
