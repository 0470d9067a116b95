/* CONV_2D int8, NHWC, filter OHWI (I = in_c / groups), per-channel requantization.
 * Portable C, bit-exact with TFLM reference_integer_ops::ConvPerChannel. */
#include "conv_2d.h"
#include "gemm.h"
#include "te_common.h"

void te_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                   const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w, int32_t f_c,
                   int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                   int32_t pad_t, int32_t pad_l,
                   int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                   int32_t in_off, int32_t out_off, const int32_t *mult, const int32_t *shift,
                   int32_t act_min, int32_t act_max) {
    const int32_t per_group = out_c / (in_c / f_c);
    int32_t oy, ox, oc, ky, kx, ic;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    const uint32_t off2 = ((uint32_t)(uint16_t)in_off << 16) | (uint16_t)in_off;
#endif
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        for (ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * stride_w - pad_l;
            for (oc = 0; oc < out_c; ++oc) {
                const int32_t c0 = (oc / per_group) * f_c;
                const int8_t *wk = w + oc * k_h * k_w * f_c;
                int32_t acc = 0;
                for (ky = 0; ky < k_h; ++ky) {
                    const int32_t iy = iy0 + dil_h * ky;
                    if (iy < 0 || iy >= in_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; ++kx) {
                        const int32_t ix = ix0 + dil_w * kx;
                        const int8_t *px;
                        const int8_t *wp;
                        if (ix < 0 || ix >= in_w) {
                            continue;
                        }
                        px = in + (iy * in_w + ix) * in_c + c0;
                        wp = wk + (ky * k_w + kx) * f_c;
                        ic = 0;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
                        for (; ic + 4 <= f_c; ic += 4) {   /* (x + in_off) in int16 lanes */
                            const uint32_t x = te_ld32(px + ic), v = te_ld32(wp + ic);
                            acc = __smlad(__sadd16(__sxtb16(x), off2), __sxtb16(v), acc);
                            acc = __smlad(__sadd16(te_sxtb16_ror8(x), off2), te_sxtb16_ror8(v),
                                          acc);
                        }
#endif
                        for (; ic < f_c; ++ic) {
                            acc += (px[ic] + in_off) * wp[ic];
                        }
                    }
                }
                acc += bias[oc];
                out[(oy * out_w + ox) * out_c + oc] =
                    te_out8(acc, mult[oc], shift[oc], out_off, act_min, act_max);
            }
        }
    }
}

void te_conv_2d_1x1_s8(const int8_t *in, int32_t pixels, int32_t in_c, const int8_t *w,
                       const int32_t *bias, int8_t *out, int32_t out_c, int32_t out_off,
                       const int32_t *mult, const int32_t *shift, int32_t act_min,
                       int32_t act_max) {
    int32_t p;
    for (p = 0; p < pixels; p += 2) {
        const int8_t *a = in + p * in_c;
        te_gemm_pair(a, p + 1 < pixels ? a + in_c : 0, in_c, w, bias, out + p * out_c,
                     out + (p + 1) * out_c, out_c, out_off, mult, shift, act_min, act_max);
    }
}

/* Copy the receptive field of output pixel (oy, ox) into col (k_h * k_w * in_c bytes), padding
 * with pad_val (the input zero point, so padded taps add nothing once the offset is folded). */
static void te_im2col(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c, int32_t k_h,
                      int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h, int32_t dil_w,
                      int8_t pad_val, int8_t *col) {
    int32_t ky, kx, c;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = iy0 + dil_h * ky;
        for (kx = 0; kx < k_w; ++kx) {
            const int32_t ix = ix0 + dil_w * kx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                for (c = 0; c < in_c; ++c) {
                    col[c] = pad_val;
                }
            } else {
                te_copy(col, in + (iy * in_w + ix) * in_c, in_c);
            }
            col += in_c;
        }
    }
}

void te_conv_2d_im2col_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w,
                          int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                          int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                          int32_t out_w, int32_t out_c, int32_t pad_val, int32_t out_off,
                          const int32_t *mult, const int32_t *shift, int32_t act_min,
                          int32_t act_max, int8_t *scratch) {
    const int32_t k_len = k_h * k_w * in_c;
    const int32_t pixels = out_h * out_w;
    int32_t p;
    for (p = 0; p < pixels; p += 2) {
        const int two = p + 1 < pixels;
        te_im2col(in, in_h, in_w, in_c, k_h, k_w, (p / out_w) * stride_h - pad_t,
                  (p % out_w) * stride_w - pad_l, dil_h, dil_w, (int8_t)pad_val, scratch);
        if (two) {
            te_im2col(in, in_h, in_w, in_c, k_h, k_w, ((p + 1) / out_w) * stride_h - pad_t,
                      ((p + 1) % out_w) * stride_w - pad_l, dil_h, dil_w, (int8_t)pad_val,
                      scratch + k_len);
        }
        te_gemm_pair(scratch, two ? scratch + k_len : 0, k_len, w, bias, out + p * out_c,
                     out + (p + 1) * out_c, out_c, out_off, mult, shift, act_min, act_max);
    }
}

#if TE_FAST
/* Step the output pixel (oy, ox) in scan order when `advance` (a lone last pixel of a pair is
 * gathered twice). */
TE_INLINE void te_next_px(int32_t *oy, int32_t *ox, int32_t out_w, int advance) {
    if (advance && ++*ox == out_w) {
        *ox = 0;
        ++*oy;
    }
}

/* TE_FAST (DSP, --optimize speed): each pixel pair is widened once into `cols` (doubled int16,
 * two interleaved columns of nblk = ceil(k / 4) blocks, 16 * nblk bytes), then multiplied by
 * the host-packed weights `wp` in the 2x2 GEMM; rq per row pair, see te_gemm2x2_fast. */
void te_conv_2d_1x1_fast(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max, uint32_t *cols) {
    const int32_t nblk = (in_c + 3) >> 2;
    int32_t p;
    for (p = 0; p < pixels; p += 2) {
        const int8_t *a = in + p * in_c;
        const int two = p + 1 < pixels;
        int8_t *oa = out + p * out_c;
        te_widen_s8(a, in_c, cols, 4);
        te_widen_s8(two ? a + in_c : a, in_c, cols + 2, 4);
        te_gemm2x2_fast(cols, nblk, wp, rq, oa, two ? oa + out_c : oa, out_c, act_min,
                        act_max);
    }
}

/* The receptive field of output pixel (oy, ox) as one doubled int16 column (step 4: every
 * other pair of words), straight from the input when in_c is a multiple of 4, else through
 * the int8 im2col in `stage`. */
static void te_im2col_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           int32_t k_h, int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h,
                           int32_t dil_w, int32_t pad_val, uint32_t *col, int8_t *stage) {
    int32_t ky, kx;
    if (stage != 0) {
        te_im2col(in, in_h, in_w, in_c, k_h, k_w, iy0, ix0, dil_h, dil_w, (int8_t)pad_val,
                  stage);
        te_widen_s8(stage, k_h * k_w * in_c, col, 4);
        return;
    }
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = iy0 + dil_h * ky;
        for (kx = 0; kx < k_w; ++kx) {
            const int32_t ix = ix0 + dil_w * kx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                te_fill_s16(col, in_c >> 2, pad_val, 4);
            } else {
                te_widen_s8(in + (iy * in_w + ix) * in_c, in_c, col, 4);
            }
            col += in_c;                    /* in_c / 4 blocks of 4 words */
        }
    }
}

/* k x k: two receptive fields at a time; `stage` (2 * k_h * k_w * in_c bytes) only when in_c is
 * not a multiple of 4, else NULL. */
void te_conv_2d_im2col_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                            int32_t act_max, uint32_t *cols, int8_t *stage) {
    const int32_t k_len = k_h * k_w * in_c;
    const int32_t pixels = out_h * out_w;
    int32_t p, i, oy = 0, ox = 0;
    for (p = 0; p < pixels; p += 2) {
        const int two = p + 1 < pixels;     /* a lone last pixel goes in both columns */
        int8_t *oa = out + p * out_c;
        for (i = 0; i < 2; ++i) {
            te_im2col_fast(in, in_h, in_w, in_c, k_h, k_w, oy * stride_h - pad_t,
                           ox * stride_w - pad_l, dil_h, dil_w, pad_val, cols + 2 * i,
                           stage != 0 ? stage + i * k_len : 0);
            te_next_px(&oy, &ox, out_w, i == 1 || two);
        }
        te_gemm2x2_fast(cols, (k_len + 3) >> 2, wp, rq, oa, two ? oa + out_c : oa, out_c,
                        act_min, act_max);
    }
}

/* Lean TE_FAST variants, where the int16 columns would enlarge the arena: one pixel at a time
 * from int8 (te_gemm2x1_fast); im2col through the portable int8 columns in `scratch`
 * (2 * k_h * k_w * in_c bytes). */
void te_conv_2d_1x1_lean(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max) {
    int32_t p;
    for (p = 0; p < pixels; ++p) {
        te_gemm2x1_fast(in + p * in_c, (in_c + 3) >> 2, wp, rq, out + p * out_c, out_c,
                        act_min, act_max);
    }
}

/* The receptive field of output pixel (oy, ox) as one int8 column interleaved with its twin
 * per block of four k (4 bytes, then the twin's 4), zero-padded to whole blocks. */
static void te_im2col_s8x2(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           int32_t k_h, int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h,
                           int32_t dil_w, int8_t pad_val, int8_t *col) {
    int32_t ky, kx, c, k = 0;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = iy0 + dil_h * ky;
        for (kx = 0; kx < k_w; ++kx) {
            const int32_t ix = ix0 + dil_w * kx;
            const int inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            const int8_t *src = in + (iy * in_w + ix) * in_c;
            if ((in_c & 3) == 0) {          /* whole words */
                uint32_t *d = (uint32_t *)(void *)(col + 2 * k);
                const uint32_t pad4 = 0x01010101u * (uint8_t)pad_val;
                for (c = 0; c < in_c; c += 4, d += 2) {
                    *d = inside ? te_ld32(src + c) : pad4;
                }
                k += in_c;
                continue;
            }
            for (c = 0; c < in_c; ++c, ++k) {
                col[((k >> 2) << 3) + (k & 3)] = inside ? src[c] : pad_val;
            }
        }
    }
    for (; (k & 3) != 0; ++k) {
        col[((k >> 2) << 3) + (k & 3)] = 0;
    }
}

void te_conv_2d_im2col_lean(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                            int32_t act_max, int8_t *scratch) {
    const int32_t pixels = out_h * out_w;
    int32_t p, i, oy = 0, ox = 0;
    for (p = 0; p < pixels; p += 2) {
        const int two = p + 1 < pixels;     /* a lone last pixel goes in both columns */
        int8_t *oa = out + p * out_c;
        for (i = 0; i < 2; ++i) {
            te_im2col_s8x2(in, in_h, in_w, in_c, k_h, k_w, oy * stride_h - pad_t,
                           ox * stride_w - pad_l, dil_h, dil_w, (int8_t)pad_val,
                           scratch + 4 * i);
            te_next_px(&oy, &ox, out_w, i == 1 || two);
        }
        te_gemm2x2_s8_fast(scratch, (k_h * k_w * in_c + 3) >> 2, wp, rq, oa,
                           two ? oa + out_c : oa, out_c, act_min, act_max);
    }
}
#endif
