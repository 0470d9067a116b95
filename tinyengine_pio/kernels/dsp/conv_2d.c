/* CONV_2D with the DSP extension (TE_FAST): host-packed weights and rq (layouts/gemm.py),
 * pointwise and im2col through doubled int16 columns or int8 ones (lean), and the implicit
 * GEMM; the asm loops are in te_asm.h. */
#include "conv_2d.h"
#include "gemm.h"
#include "te_isa.h"
#include "te_ring.h"

#if TE_FAST
/* The 2x2 GEMM of two widened columns against int8 weights, or int16 ones (`w16`). */
TE_INLINE void te_gemm2x2_by(const uint32_t *cols, int32_t nblk, const uint32_t *wp,
                             const int32_t *rq, int8_t *oa, int8_t *ob, int32_t out_c,
                             int32_t act_min, int32_t act_max, int32_t w16) {
    if (w16) {
        te_gemm2x2_w16(cols, nblk, wp, rq, oa, ob, out_c, act_min, act_max);
    } else {
        te_gemm2x2_fast(cols, nblk, wp, rq, oa, ob, out_c, act_min, act_max);
    }
}

/* TE_FAST (DSP, --optimize speed): each pixel pair is widened once into `cols` (doubled int16,
 * two interleaved columns of nblk = ceil(k / 4) blocks, 16 * nblk bytes), then multiplied by
 * the host-packed weights `wp` in the 2x2 GEMM; rq per row pair, see te_gemm2x2_fast. With
 * `w16` the weights are int16 pairs (pack_rows16 in row pairs) for te_gemm2x2_w16. */
static void te_1x1_pairs(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max, uint32_t *cols, int32_t w16) {
    const int32_t nblk = (in_c + 3) >> 2;
    int32_t p;
    for (p = 0; p < pixels; p += 2) {
        const int8_t *a = in + p * in_c;
        const int two = p + 1 < pixels;
        int8_t *oa = out + p * out_c;
        if (!two && !w16 && (in_c & 3) == 0) {    /* a lone pixel: the 2x1 GEMM, 12 instead */
            te_gemm2x1_fast(a, nblk, wp, rq, oa, out_c, act_min, act_max);   /* of 15 a block */
            break;
        }
        te_widen_s8(a, in_c, cols, 4);
        te_widen_s8(two ? a + in_c : a, in_c, cols + 1, 4);
        te_gemm2x2_by(cols, nblk, wp, rq, oa, two ? oa + out_c : oa, out_c, act_min, act_max,
                      w16);
    }
}

void te_conv_2d_1x1_fast(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max, uint32_t *cols, int32_t w16) {
    te_1x1_pairs(in, pixels, in_c, wp, rq, out, out_c, act_min, act_max, cols, w16);
}

/* The 2x4 GEMM of four widened columns against int8 weights, or int16 ones (`w16`). */
TE_INLINE void te_gemm2x4_by(const uint32_t *cols, int32_t nblk, const uint32_t *wp,
                             const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                             int32_t act_max, int32_t w16) {
    if (w16) {
        te_gemm2x4_w16(cols, nblk, wp, rq, out, out_c, act_min, act_max);
    } else {
        te_gemm2x4_fast(cols, nblk, wp, rq, out, out_c, act_min, act_max);
    }
}

/* The same four pixels at a time: widened into four interleaved columns (32 * nblk bytes of
 * `cols`) for the 2x4 GEMM; the last 1-3 pixels as above. */
void te_conv_2d_1x1_fast4(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                          const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                          int32_t act_max, uint32_t *cols, int32_t w16) {
    const int32_t nblk = (in_c + 3) >> 2;
    int32_t p, i;
    for (p = 0; p + 4 <= pixels; p += 4) {
        for (i = 0; i < 4; ++i) {
            te_widen_s8(in + (p + i) * in_c, in_c, cols + i, 8);
        }
        te_gemm2x4_by(cols, nblk, wp, rq, out + p * out_c, out_c, act_min, act_max, w16);
    }
    if (p < pixels) {
        te_1x1_pairs(in + p * in_c, pixels - p, in_c, wp, rq, out + p * out_c, out_c, act_min,
                     act_max, cols, w16);
    }
}

/* The receptive field of output pixel (oy, ox) as one doubled int16 column of interleaved
 * ones (`step` words per block of four k: 4 for two columns, 8 for four), straight from the
 * input when in_c is a multiple of 4, else through the int8 im2col in `stage`. */
static void te_im2col_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           int32_t k_h, int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h,
                           int32_t dil_w, int32_t pad_val, uint32_t *col, int8_t *stage,
                           int32_t step) {
    int32_t ky, kx;
    if (stage != 0) {
        te_im2col(in, in_h, in_w, in_c, k_h, k_w, iy0, ix0, dil_h, dil_w, (int8_t)pad_val,
                  stage);
        te_widen_s8(stage, k_h * k_w * in_c, col, step);
        return;
    }
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = iy0 + dil_h * ky;
        for (kx = 0; kx < k_w; ++kx) {
            const int32_t ix = ix0 + dil_w * kx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                te_fill_s16(col, in_c >> 2, pad_val, step);
            } else {
                te_widen_s8(in + (iy * in_w + ix) * in_c, in_c, col, step);
            }
            col += (in_c >> 2) * step;      /* in_c / 4 blocks of `step` words */
        }
    }
}

/* Pixels p.. (the first at output (oy, ox)) two receptive fields at a time through the 2x2
 * GEMM; `stage` (2 * k_h * k_w * in_c bytes) only when in_c is not a multiple of 4, else
 * NULL. */
static void te_im2col_pairs(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_w,
                            int32_t out_c, int32_t pad_val, int32_t act_min, int32_t act_max,
                            uint32_t *cols, int8_t *stage, int32_t p, int32_t pixels,
                            int32_t oy, int32_t ox, int32_t w16) {
    const int32_t k_len = k_h * k_w * in_c;
    int32_t i;
    for (; p < pixels; p += 2) {
        const int two = p + 1 < pixels;     /* a lone last pixel goes in both columns */
        int8_t *oa = out + p * out_c;
        for (i = 0; i < 2; ++i) {
            te_im2col_fast(in, in_h, in_w, in_c, k_h, k_w, oy * stride_h - pad_t,
                           ox * stride_w - pad_l, dil_h, dil_w, pad_val, cols + i,
                           stage != 0 ? stage + i * k_len : 0, 4);
            te_next_px(&oy, &ox, out_w, i == 1 || two);
        }
        te_gemm2x2_by(cols, (k_len + 3) >> 2, wp, rq, oa, two ? oa + out_c : oa, out_c,
                      act_min, act_max, w16);
    }
}

/* k x k: two receptive fields at a time (te_im2col_pairs). */
void te_conv_2d_im2col_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                            int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                            int32_t act_max, uint32_t *cols, int8_t *stage, int32_t w16) {
    te_im2col_pairs(in, in_h, in_w, in_c, wp, rq, k_h, k_w, stride_h, stride_w, dil_h, dil_w,
                    pad_t, pad_l, out, out_w, out_c, pad_val, act_min, act_max, cols, stage, 0,
                    out_h * out_w, 0, 0, w16);
}

/* Four receptive fields at a time through the 2x4 GEMM (`cols`: four interleaved columns,
 * 32 * nblk bytes; `stage` as above), the last 1-3 pixels in pairs; int16 weights with w16. */
void te_conv_2d_im2col_fast4(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                             int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                             int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                             int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                             int32_t act_max, uint32_t *cols, int8_t *stage, int32_t w16) {
    const int32_t k_len = k_h * k_w * in_c, pixels = out_h * out_w;
    int32_t p, i, oy = 0, ox = 0;
    for (p = 0; p + 4 <= pixels; p += 4) {
        for (i = 0; i < 4; ++i) {
            te_im2col_fast(in, in_h, in_w, in_c, k_h, k_w, oy * stride_h - pad_t,
                           ox * stride_w - pad_l, dil_h, dil_w, pad_val, cols + i, stage, 8);
            te_next_px(&oy, &ox, out_w, 1);
        }
        te_gemm2x4_by(cols, (k_len + 3) >> 2, wp, rq, out + p * out_c, out_c, act_min, act_max,
                      w16);
    }
    te_im2col_pairs(in, in_h, in_w, in_c, wp, rq, k_h, k_w, stride_h, stride_w, dil_h, dil_w,
                    pad_t, pad_l, out, out_w, out_c, pad_val, act_min, act_max, cols, stage, p,
                    pixels, oy, ox, w16);
}

/* One receptive field at a time as one doubled int16 column (`col`: 8 * ceil(k / 4) bytes,
 * in_c a multiple of 4) through the 4x1 GEMM with int16 weights (te_gemm4x1_w16): the lean
 * variant's scratch, the wide variant's speed and better (no widening per row pair). */
void te_conv_2d_im2col_w16(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const uint32_t *w16, const int32_t *rq, int32_t k_h, int32_t k_w,
                           int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                           int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                           int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                           int32_t act_max, uint32_t *col) {
    const int32_t nblk = k_h * k_w * in_c >> 2, pixels = out_h * out_w;
    int32_t p, oy = 0, ox = 0;
    for (p = 0; p < pixels; ++p) {
        te_im2col_fast(in, in_h, in_w, in_c, k_h, k_w, oy * stride_h - pad_t,
                       ox * stride_w - pad_l, dil_h, dil_w, pad_val, col, 0, 2);
        te_next_px(&oy, &ox, out_w, 1);
        te_gemm4x1_w16(col, nblk, w16, rq, out + p * out_c, out_c, act_min, act_max);
    }
}

/* Lean TE_FAST im2col, where the int16 columns would enlarge the arena: through int8 columns
 * in `scratch` (2 * k_h * k_w * in_c bytes, interleaved per block, see te_gemm2x2_s8_fast). */
/* Columns interleaved with their twin per block of four k (4 bytes, then the twin's 4): put n
 * bytes of src at position k, or n pad bytes; both return the next k. */
static int32_t te_put_s8x2(int8_t *col, int32_t k, const int8_t *src, int32_t n) {
    for (; n > 0 && (k & 3) != 0; --n, ++k) {
        col[((k >> 2) << 3) + (k & 3)] = *src++;
    }
    for (; n >= 4; n -= 4, k += 4, src += 4) {      /* whole blocks: one word each */
        *(uint32_t *)(void *)(col + 2 * k) = te_ld32(src);
    }
    for (; n > 0; --n, ++k) {
        col[((k >> 2) << 3) + (k & 3)] = *src++;
    }
    return k;
}

static int32_t te_pad_s8x2(int8_t *col, int32_t k, int32_t n, int8_t pad) {
    for (; n > 0 && (k & 3) != 0; --n, ++k) {
        col[((k >> 2) << 3) + (k & 3)] = pad;
    }
    for (; n >= 4; n -= 4, k += 4) {
        *(uint32_t *)(void *)(col + 2 * k) = te_rep4(pad);
    }
    for (; n > 0; --n, ++k) {
        col[((k >> 2) << 3) + (k & 3)] = pad;
    }
    return k;
}

/* The receptive field of output pixel (oy, ox) as one int8 column in that layout, zero-padded
 * to whole blocks. With dilation 1 a kernel row is three runs: left padding, the input, right
 * padding. */
static void te_im2col_s8x2(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           int32_t k_h, int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h,
                           int32_t dil_w, int8_t pad_val, int8_t *col) {
    const int32_t left = ix0 < 0 ? (-ix0 < k_w ? -ix0 : k_w) : 0;
    const int32_t over = ix0 + k_w - in_w;
    const int32_t right = over > 0 ? (over < k_w - left ? over : k_w - left) : 0;
    int32_t ky, kx, k = 0;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = iy0 + dil_h * ky;
        const int8_t *row = in + (iy >= 0 && iy < in_h ? iy : 0) * in_w * in_c;
        if (iy < 0 || iy >= in_h) {
            k = te_pad_s8x2(col, k, k_w * in_c, pad_val);
        } else if (dil_w == 1) {
            k = te_pad_s8x2(col, k, left * in_c, pad_val);
            k = te_put_s8x2(col, k, row + (ix0 + left) * in_c, (k_w - left - right) * in_c);
            k = te_pad_s8x2(col, k, right * in_c, pad_val);
        } else {
            for (kx = 0; kx < k_w; ++kx) {
                const int32_t ix = ix0 + dil_w * kx;
                k = ix >= 0 && ix < in_w ? te_put_s8x2(col, k, row + ix * in_c, in_c)
                                         : te_pad_s8x2(col, k, in_c, pad_val);
            }
        }
    }
    te_pad_s8x2(col, k, (4 - (k & 3)) & 3, 0);
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
/* Pixels a and b times all rows, their receptive fields given as n runs of `run` bytes each
 * (run % 4 == 0): tab[2 i] for a, tab[2 i + 1] for b. */
TE_INLINE void te_implicit_pair(const int8_t *const *tab, int32_t n, int32_t run,
                                const uint32_t *wp, const int32_t *rq, int8_t *oa, int8_t *ob,
                                int32_t out_c, int32_t clamp, int32_t lo, int32_t hi) {
    const uint32_t odd = (uint32_t)(run >> 2) & 1u;
    const uint32_t bounds[2] = {te_rep4(lo), te_rep4(hi)};
    int32_t oc, i;
    for (oc = 0; oc < out_c; oc += TE_PAIR_ROWS, rq += TE_PAIR_RQ) {
        int32_t a0 = rq[0] >> 1, a1 = rq[1] >> 1, b0 = a0, b1 = a1;   /* x not doubled */
        for (i = 0; i < n; ++i) {
            const int8_t *pa = tab[2 * i], *pb = tab[2 * i + 1];
            const int8_t *const end = pa + run;
            uint32_t w0, w1, t0 = odd, t1, x0, x1;
            TE_GEMM2X2_TAP_LOOP();
        }
        if (oc + 1 < out_c) {
            te_rq2x2_store(2 * a0, 2 * a1, 2 * b0, 2 * b1, rq + 2, oa, ob, clamp, bounds);
        } else {
            oa[0] = te_sat_fast(te_rq_fast(2 * a0, rq[2], rq[3], rq[4]), clamp, lo, hi);
            ob[0] = te_sat_fast(te_rq_fast(2 * b0, rq[2], rq[3], rq[4]), clamp, lo, hi);
        }
        oa += 2;
        ob += 2;
    }
}

/* te_implicit_pair out of line: its asm needs 13 registers, which a caller with a frame
 * pointer (te_implicit_body's variable-length table) cannot spare. */
static __attribute__((noinline)) void te_implicit_pair_call(
        const int8_t *const *tab, int32_t n, int32_t run, const uint32_t *wp, const int32_t *rq,
        int8_t *oa, int8_t *ob, int32_t out_c, int32_t clamp, int32_t lo, int32_t hi) {
    te_implicit_pair(tab, n, run, wp, rq, oa, ob, out_c, clamp, lo, hi);
}

/* The taps of the receptive field at input corner (y0, x0), column `col` of tab (every other
 * entry): whole kernel rows when `rows` (dilation 1, inside), else tap by tap with padded taps
 * from zp_row. */
static void te_implicit_taps(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                             int32_t k_h, int32_t k_w, int32_t dil_h, int32_t dil_w, int32_t y0,
                             int32_t x0, int rows, const int8_t *zp_row, const int8_t **tab) {
    int32_t ky, kx;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = y0 + dil_h * ky;
        for (kx = 0; kx < (rows ? 1 : k_w); ++kx, tab += 2) {
            const int32_t ix = x0 + dil_w * kx;
            *tab = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ?
                in + (iy * in_w + ix) * in_c : zp_row;
        }
    }
}

TE_INLINE void te_implicit_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                                const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                                int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                                int32_t out_w, int32_t out_c, const int8_t *zp_row,
                                int32_t clamp, int32_t lo, int32_t hi) {
    const int32_t pixels = out_h * out_w;
    const int8_t *tab[2 * k_h * k_w];       /* tap (or kernel row) pointers of the pair */
    int32_t p, oy = 0, ox = 0;
    for (p = 0; p < pixels; p += 2) {
        const int two = p + 1 < pixels;     /* a lone last pixel is computed twice */
        const int32_t ya = oy * stride_h - pad_t, xa = ox * stride_w - pad_l;
        int8_t *oa = out + p * out_c;
        int32_t yb, xb;
        int rows;
        te_next_px(&oy, &ox, out_w, two);
        yb = oy * stride_h - pad_t;
        xb = ox * stride_w - pad_l;
        rows = dil_w == 1 && ya >= 0 && ya + (k_h - 1) * dil_h < in_h && xa >= 0 &&
               xa + k_w <= in_w && yb >= 0 && yb + (k_h - 1) * dil_h < in_h && xb >= 0 &&
               xb + k_w <= in_w;
        te_implicit_taps(in, in_h, in_w, in_c, k_h, k_w, dil_h, dil_w, ya, xa, rows, zp_row,
                         tab);
        te_implicit_taps(in, in_h, in_w, in_c, k_h, k_w, dil_h, dil_w, yb, xb, rows, zp_row,
                         tab + 1);
        te_implicit_pair_call(tab, rows ? k_h : k_h * k_w, rows ? k_w * in_c : in_c, wp, rq, oa,
                              two ? oa + out_c : oa, out_c, clamp, lo, hi);
        te_next_px(&oy, &ox, out_w, 1);
    }
}

/* Implicit GEMM (in_c a multiple of 4, no column buffer): the 2x2 GEMM of the im2col variants
 * with each tap read in place, for convs whose im2col columns would enlarge the arena. */
void te_conv_2d_implicit_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                              int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                              int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                              int32_t out_w, int32_t out_c, const int8_t *zp_row,
                              int32_t act_min, int32_t act_max) {
#define TE_CALL(clamp) te_implicit_body(in, in_h, in_w, in_c, wp, rq, k_h, k_w,          \
    stride_h, stride_w, dil_h, dil_w, pad_t, pad_l, out, out_h, out_w, out_c, zp_row,    \
    clamp, act_min, act_max)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}
/* ---- Padded kernel rows (first layers: in_c 1-3 and any in_c % 4 != 0, dilation_w 1) ----
 * A kernel row of an NHWC input is one run of k_w * in_c contiguous bytes. The host pads each
 * row of the weights with zeros to run4 = a multiple of four (layouts/gemm.py order otherwise),
 * so every row is read in place as whole words (the up to three bytes after a run meet zero
 * weights) and widened into the pixels' doubled int16 columns: no byte-wise im2col. Pixels
 * whose window reaches into the padding, or whose last row's words would read past the input,
 * get their rows staged first with the zero point (the folded bias removes its share). Four
 * pixels at a time through the 2x4 GEMM, the last 1-3 in pairs. `scratch`: the columns
 * (8 * k_h * run4 bytes, 4 * k_h * run4 in pairs), then the staging: the zero-point row and
 * k_h rows, run4 bytes each. */

#define TE_ROWS_MAX 16          /* kernel rows (the host checks k_h) */

/* The window at (y0, x0) lies inside the input, its last row's run4 bytes too (then
 * te_conv_2d_rows_fast widens it straight from the input, else through te_rows_column). */
TE_INLINE int te_rows_inside(int32_t in_h, int32_t in_w, int32_t in_c, int32_t k_w,
                             int32_t span_h, int32_t run4, int32_t y0, int32_t x0) {
    return y0 >= 0 && y0 + span_h < in_h && x0 >= 0 && x0 + k_w <= in_w &&
           ((y0 + span_h) * in_w + x0) * in_c + run4 <= in_h * in_w * in_c;
}

/* The row pointers of a window reaching into the padding (or whose last words would read past
 * the input) at (y0, x0): each kernel row in place where its words lie inside the input, the
 * zero-point row `stage` (run4 bytes, filled once per call) where the row lies in the top or
 * bottom padding, else (left / right padding, or words past the input's end) staged into its
 * own run4 bytes after it: the input's bytes between zero-point ones, no per-byte bounds test
 * (the three-plus bytes after a run meet zero weights). */
static void te_rows_taps(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                         int32_t k_h, int32_t k_w, int32_t dil_h, int32_t y0, int32_t x0,
                         int32_t run4, int8_t pad_val, int8_t *stage, const int8_t **tab) {
    const int32_t size = in_h * in_w * in_c;
    int32_t ky, i, lo, hi;
    lo = (x0 < 0 ? -x0 : 0) * in_c;
    hi = (x0 + k_w > in_w ? in_w - x0 : k_w) * in_c;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = y0 + dil_h * ky, at = (iy * in_w + x0) * in_c;
        int8_t *dst = stage + (ky + 1) * run4;
        if (iy < 0 || iy >= in_h || hi <= lo) {
            tab[2 * ky] = stage;
        } else if (lo == 0 && hi == k_w * in_c && at + run4 <= size) {
            tab[2 * ky] = in + at;
        } else {
            for (i = 0; i < lo; ++i) dst[i] = pad_val;
            for (; i < hi; ++i) dst[i] = in[at + i];
            for (; i < run4; ++i) dst[i] = pad_val;
            tab[2 * ky] = dst;
        }
    }
}

/* The receptive field at input corner (y0, x0) as one doubled int16 column of the
 * interleaved columns at `col` (`step` words per block of four k: 4 for pairs, 8 for quads). */
static void te_rows_column(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           int32_t k_h, int32_t k_w, int32_t dil_h, int32_t y0, int32_t x0,
                           int32_t run4, int8_t pad_val, int8_t *stage, uint32_t *col,
                           int32_t step) {
    const int8_t *tab[2 * TE_ROWS_MAX];
    int32_t ky;
    te_rows_taps(in, in_h, in_w, in_c, k_h, k_w, dil_h, y0, x0, run4, pad_val, stage, tab);
    for (ky = 0; ky < k_h; ++ky, col += (run4 >> 2) * step) {
        te_widen_blocks(tab[2 * ky], run4 >> 2, col, step);
    }
}

/* The column of a window wholly inside the input (rows `row_step` bytes apart from src, nw
 * words each) at `col`, STEP words per block (8 for quads, 4 for pairs: a constant, so the
 * stores take immediate offsets): unrolled by nw, 7 instructions a word, where
 * te_rows_column's call, row table and loop took about twice that (vww's first layer on the
 * padded rows: 236 -> 148 instructions a pixel). */
#define TE_ROWS_WORD(J, STEP)                                                                 \
    do {                                                                                  \
        const uint32_t v_ = te_ld32(s + 4 * (J));                                         \
        const uint32_t e_ = __sxtb16(v_), o_ = te_sxtb16_ror8(v_);                        \
        col[(J) * STEP] = __sadd16(e_, e_);                                               \
        col[(J) * STEP + STEP / 2] = __sadd16(o_, o_);                                    \
    } while (0)
#define TE_ROWS_INSIDE(NAME, STEP)                                                        \
    TE_INLINE void NAME(const int8_t *src, int32_t row_step, int32_t k_h, int32_t nw,     \
                        uint32_t *col) {                                                  \
        int32_t ky;                                                                       \
        for (ky = 0; ky < k_h; ++ky, src += row_step, col += nw * STEP) {                 \
            const int8_t *const s = src;                                                  \
            switch (nw) {                                                                 \
            default:                                                                      \
                { int32_t j; for (j = 6; j < nw; ++j) TE_ROWS_WORD(j, STEP); }                  \
                /* fall through */                                                        \
            case 6: TE_ROWS_WORD(5, STEP); /* fall through */                                   \
            case 5: TE_ROWS_WORD(4, STEP); /* fall through */                                   \
            case 4: TE_ROWS_WORD(3, STEP); /* fall through */                                   \
            case 3: TE_ROWS_WORD(2, STEP); /* fall through */                                   \
            case 2: TE_ROWS_WORD(1, STEP); /* fall through */                                   \
            case 1: TE_ROWS_WORD(0, STEP);                                                      \
            }                                                                             \
        }                                                                                 \
    }
TE_ROWS_INSIDE(te_rows_inside4, 8)
TE_ROWS_INSIDE(te_rows_inside2, 4)
#undef TE_ROWS_INSIDE
#undef TE_ROWS_WORD

void te_conv_2d_rows_fast(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                          const uint32_t *wp, const int32_t *rq, int32_t k_h, int32_t k_w,
                          int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t pad_t,
                          int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                          int32_t out_c, int32_t pad_val, int32_t act_min, int32_t act_max,
                          int8_t *scratch, int32_t quads, int32_t w16) {
    const int32_t run4 = (k_w * in_c + 3) & ~3, pixels = out_h * out_w;
    const int32_t nblk = k_h * run4 / 4;
    uint32_t *const cols = (uint32_t *)(void *)scratch;     /* 8 (4) words a block */
    int8_t *const stage = scratch + (quads ? 32 : 16) * nblk;
    int32_t p, i, oy = 0, ox = 0;
    for (i = 0; i < run4; ++i) {             /* the zero-point row of the top / bottom padding */
        stage[i] = (int8_t)pad_val;
    }
    const int32_t row_step = dil_h * in_w * in_c, span_h = dil_h * (k_h - 1), nw = run4 >> 2;
    for (p = 0; quads && p + 4 <= pixels; p += 4) {   /* four pixels: the 2x4 GEMM */
        for (i = 0; i < 4; ++i) {
            const int32_t y0 = oy * stride_h - pad_t, x0 = ox * stride_w - pad_l;
            if (te_rows_inside(in_h, in_w, in_c, k_w, span_h, run4, y0, x0)) {
                te_rows_inside4(in + (y0 * in_w + x0) * in_c, row_step, k_h, nw, cols + i);
            } else {
                te_rows_column(in, in_h, in_w, in_c, k_h, k_w, dil_h, y0, x0, run4,
                               (int8_t)pad_val, stage, cols + i, 8);
            }
            te_next_px(&oy, &ox, out_w, 1);
        }
        te_gemm2x4_by(cols, nblk, wp, rq, out + p * out_c, out_c, act_min, act_max, w16);
    }
    for (; p < pixels; p += 2) {             /* pairs: the rest, or all without quads */
        const int two = p + 1 < pixels;     /* a lone last pixel is computed twice */
        int8_t *oa = out + p * out_c;
        for (i = 0; i < 2; ++i) {
            const int32_t y0 = oy * stride_h - pad_t, x0 = ox * stride_w - pad_l;
            if (te_rows_inside(in_h, in_w, in_c, k_w, span_h, run4, y0, x0)) {
                te_rows_inside2(in + (y0 * in_w + x0) * in_c, row_step, k_h, nw, cols + i);
            } else {
                te_rows_column(in, in_h, in_w, in_c, k_h, k_w, dil_h, y0, x0, run4,
                               (int8_t)pad_val, stage, cols + i, 4);
            }
            te_next_px(&oy, &ox, out_w, i == 1 || two);
        }
        te_gemm2x2_by(cols, nblk, wp, rq, oa, two ? oa + out_c : oa, out_c, act_min, act_max,
                      w16);
    }
}

/* ---- Planar first layers: 3x3 with in_c 1-3 as in_c depthwise passes per output channel ----
 * Each input row goes once into a ring slot of three rows, in_c planar int16 rows (padding
 * columns and rows outside the input: the zero point, whose share the folded bias removes);
 * then per output row and channel, the in_c passes of te_dw_ring_row (stride_w 1 or 2) add
 * into one row of sums, requantized into every out_c-th byte. Input rows are read in order,
 * each before the first output row that needs it, outputs written row by row (the im2col
 * kernel's pixel order reads no later). wr: per output channel and input channel the
 * TE_DW_RING_TAP_WORDS tap pairs (layouts/depthwise.py ring_taps); rr: per output channel
 * {2 * folded bias, m, cc, e}; scratch: 3 * in_c * te_dw_ring_pitch(out_w, stride_w) int16. */
static void te_planar_load(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           int32_t iy, int32_t pad_l, int32_t pitch, int16_t zp, int16_t *slot) {
    const int32_t x1 = in_w < pitch - pad_l ? in_w : pitch - pad_l;
    int32_t x, c;
    for (c = 0; c < in_c; ++c) {
        int16_t *d = slot + c * pitch + pad_l;
        const int8_t *s = in + iy * in_w * in_c + c;
        if (iy < 0 || iy >= in_h) {
            for (x = 0; x < x1; ++x) d[x] = zp;
        } else {
            for (x = 0; x < x1; ++x, s += in_c) d[x] = *s;
        }
    }
}

TE_INLINE void te_planar_body(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                              const uint32_t *wr, const int32_t *rr, int32_t stride_h,
                              int32_t stride_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                              int32_t out_h, int32_t out_w, int32_t out_c, int32_t pad_val,
                              int32_t clamp, int32_t lo, int32_t hi, int8_t *scratch) {
    const int32_t pitch = te_dw_ring_pitch(out_w, stride_w), slot_hw = in_c * pitch;
    int16_t *const ring = (int16_t *)(void *)scratch;
    int32_t acc[TE_DW_RING_MAX_W + 1];
    int32_t oy, oc, ic, next = -pad_t;
    te_dw_fill_zp(scratch, 3 * slot_hw / 2, -pad_val);     /* slot_hw is even */
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t y0 = oy * stride_h - pad_t;
        const int16_t *q0, *q1, *q2;
        int8_t *po = out + oy * out_w * out_c;
        if (next < y0) {
            next = y0;
        }
        for (; next <= y0 + 2; ++next) {
            te_planar_load(in, in_h, in_w, in_c, next, pad_l, pitch, (int16_t)pad_val,
                           ring + ((next % 3 + 3) % 3) * slot_hw);
        }
        q0 = ring + ((y0 % 3 + 3) % 3) * slot_hw;
        q1 = ring + (((y0 + 1) % 3 + 3) % 3) * slot_hw;
        q2 = ring + (((y0 + 2) % 3 + 3) % 3) * slot_hw;
        for (oc = 0; oc < out_c; ++oc, ++po) {
            const int32_t *q = rr + 4 * oc;
            for (ic = 0; ic < in_c; ++ic) {
                te_dw_ring_row((const uint32_t *)(const void *)(q0 + ic * pitch),
                               (const uint32_t *)(const void *)(q1 + ic * pitch),
                               (const uint32_t *)(const void *)(q2 + ic * pitch), stride_w,
                               wr + TE_DW_RING_TAP_WORDS * (oc * in_c + ic), q[0], acc, out_w,
                               ic);
            }
            te_dw_ring_out(acc, out_w, q, po, out_c, clamp, lo, hi);
        }
    }
}

void te_conv_2d_planar_dsp(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const uint32_t *wr, const int32_t *rr, int32_t stride_h,
                           int32_t stride_w, int32_t pad_t, int32_t pad_l, int8_t *out,
                           int32_t out_h, int32_t out_w, int32_t out_c, int32_t pad_val,
                           int32_t act_min, int32_t act_max, int8_t *scratch) {
#define TE_CALL(clamp)                                                                    \
    te_planar_body(in, in_h, in_w, in_c, wr, rr, stride_h, stride_w, pad_t, pad_l, out, out_h, \
                   out_w, out_c, pad_val, clamp, act_min, act_max, scratch)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}

/* Lean TE_FAST pointwise (no column buffer): pixel pairs read in place by the implicit GEMM's
 * 2x2 loop when in_c is a multiple of 4, else one pixel at a time (te_gemm2x1_fast). */
TE_INLINE void te_1x1_pairs_body(const int8_t *in, int32_t pixels, int32_t in_c,
                                 const uint32_t *wp, const int32_t *rq, int8_t *out,
                                 int32_t out_c, int32_t clamp, int32_t lo, int32_t hi) {
    const int8_t *tab[2];
    int32_t p;
    for (p = 0; p < pixels; p += 2) {
        const int two = p + 1 < pixels;
        int8_t *oa = out + p * out_c;
        tab[0] = in + p * in_c;
        tab[1] = two ? tab[0] + in_c : tab[0];
        te_implicit_pair(tab, 1, in_c, wp, rq, oa, two ? oa + out_c : oa, out_c, clamp, lo, hi);
    }
}

/* Pointwise with in_c 4, 8 or 12, no scratch: each pixel's k widened into registers once
 * (SXTB16: no doubling, the records hold doubled weights), then every row from the record
 * stream `rec` (layouts/gemm.py pack_regs), one output byte a row; a clamp afterwards, four
 * bytes at a time (SSUB8 / SEL). A pixel is read whole before its first output is written
 * (the planner's one-pixel steps: out may overlap in). */
TE_INLINE uint32_t te_clamp4(uint32_t v, uint32_t lo4, uint32_t hi4, int32_t clamp) {
    uint32_t g;
    if (clamp == 2) {
        __asm__(TE_CLAMP_LO("%[v]", "%[lo]", "%[g]") : [v] "+r"(v), [g] "=&r"(g)
                : [lo] "r"(lo4) : "cc");
    } else {
        __asm__(TE_CLAMP_LO("%[v]", "%[lo]", "%[g]") TE_CLAMP_HI("%[v]", "%[hi]", "%[g]")
                : [v] "+r"(v), [g] "=&r"(g) : [lo] "r"(lo4), [hi] "r"(hi4) : "cc");
    }
    return v;
}

TE_INLINE void te_1x1_regs_body(const int8_t *in, int32_t pixels, int32_t in_c,
                                const uint32_t *rec, int8_t *out, int32_t out_c,
                                int32_t clamp, int32_t lo, int32_t hi) {
    const uint32_t lo4 = te_rep4(lo), hi4 = te_rep4(hi);
    register int32_t a __asm__("r8");       /* ascending, for the LDMs */
    register uint32_t w __asm__("r9");
    register uint32_t v __asm__("r10");
    register int32_t e __asm__("r11");
    int32_t p, i, t;
    for (p = 0; p < pixels; ++p, in += in_c) {
        const uint32_t *r = rec;
        int8_t *o = out + p * out_c;
        int8_t *const end = o + out_c;
        const uint32_t u0 = te_ld32(in), u1 = in_c > 4 ? te_ld32(in + 4) : 0,
                       u2 = in_c > 8 ? te_ld32(in + 8) : 0;
        const uint32_t x0 = __sxtb16(u0), x1 = te_sxtb16_ror8(u0), x2 = __sxtb16(u1),
                       x3 = te_sxtb16_ror8(u1), x4 = __sxtb16(u2), x5 = te_sxtb16_ror8(u2);
        if (in_c == 4) {
            TE_REGS_ROWS("");
        } else if (in_c == 8) {
            TE_REGS_ROWS(TE_REGS_MORE("x2", "x3"));
        } else {
            TE_REGS_ROWS(TE_REGS_MORE("x2", "x3") TE_REGS_MORE("x4", "x5"));
        }
        if (clamp != 0) {
            o = end - out_c;
            for (i = 0; i + 4 <= out_c; i += 4) {
                const uint32_t c4 = te_clamp4(te_ld32(o + i), lo4, hi4, clamp);
                __builtin_memcpy(o + i, &c4, 4);
            }
            for (; i < out_c; ++i) {
                o[i] = te_sat_fast(o[i], clamp, lo, hi);
            }
        }
    }
    (void)a;
    (void)w;
    (void)v;
    (void)e;
    (void)t;
}

void te_conv_2d_1x1_regs(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *rec,
                         int8_t *out, int32_t out_c, int32_t act_min, int32_t act_max) {
#define TE_CALL(clamp) te_1x1_regs_body(in, pixels, in_c, rec, out, out_c, clamp, act_min, \
                                        act_max)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}

void te_conv_2d_1x1_lean(const int8_t *in, int32_t pixels, int32_t in_c, const uint32_t *wp,
                         const int32_t *rq, int8_t *out, int32_t out_c, int32_t act_min,
                         int32_t act_max) {
    int32_t p;
    if ((in_c & 3) != 0) {
        for (p = 0; p < pixels; ++p) {
            te_gemm2x1_fast(in + p * in_c, (in_c + 3) >> 2, wp, rq, out + p * out_c, out_c,
                            act_min, act_max);
        }
    } else {
#define TE_CALL(clamp) te_1x1_pairs_body(in, pixels, in_c, wp, rq, out, out_c, clamp, act_min, \
                                         act_max)
        TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
    }
}
#include "conv_2d_winograd.h"
#endif

