/* CONV_2D int8, NHWC, filter OHWI (I = in_c / groups), per-channel requantization.
 * Portable C, bit-exact with TFLM reference_integer_ops::ConvPerChannel. */
#include "conv_2d.h"
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
                        for (ic = 0; ic < f_c; ++ic) {
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

/* 1x1 convolution, stride 1, no padding, input offset folded into the bias (in_off == 0):
 * a GEMM over pixels. Two pixels x two output channels per inner loop (CMSIS-NN's mat_mult
 * shape); with the DSP extension four int8 values are widened with SXTB16 (and its ROR 8 form)
 * and multiplied pairwise with SMLAD. Pixels are processed in pairs on every target, so the
 * planner's access pattern (pixel pair i read and written in step i) holds for both paths. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#include <string.h>
TE_INLINE uint32_t te_ld32(const int8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
TE_INLINE uint32_t te_sxtb16_ror8(uint32_t x) {   /* bytes 1 and 3, sign-extended */
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
#define TE_DOT4(acc, x, w)                                                                \
    do {                                                                                  \
        (acc) = __smlad(__sxtb16(x), __sxtb16(w), (acc));                                 \
        (acc) = __smlad(te_sxtb16_ror8(x), te_sxtb16_ror8(w), (acc));                     \
    } while (0)
#endif

static int32_t te_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t acc) {
    int32_t k;
    for (k = 0; k < n; ++k) {
        acc += x[k] * w[k];
    }
    return acc;
}

/* Two columns (pixels a, b; b may be NULL) times all output channels, two channels at a time. */
static void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
                         const int32_t *bias, int8_t *oa, int8_t *ob, int32_t out_c,
                         int32_t out_off, const int32_t *mult, const int32_t *shift,
                         int32_t act_min, int32_t act_max) {
    int32_t oc;
    for (oc = 0; oc < out_c; oc += 2) {
        const int8_t *w0 = w + oc * k_len;
        const int8_t *w1 = w0 + k_len;
        const int two_c = oc + 1 < out_c;
        int32_t a0 = bias[oc], a1 = two_c ? bias[oc + 1] : 0, b0 = a0, b1 = a1;
        int32_t k = 0;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
        if (b != 0 && two_c) {
            for (; k + 4 <= k_len; k += 4) {
                const uint32_t va = te_ld32(a + k), vb = te_ld32(b + k);
                const uint32_t v0 = te_ld32(w0 + k), v1 = te_ld32(w1 + k);
                TE_DOT4(a0, va, v0);
                TE_DOT4(a1, va, v1);
                TE_DOT4(b0, vb, v0);
                TE_DOT4(b1, vb, v1);
            }
        }
#endif
        a0 = te_dot_s8(a + k, w0 + k, k_len - k, a0);
        oa[oc] = te_out8(a0, mult[oc], shift[oc], out_off, act_min, act_max);
        if (two_c) {
            a1 = te_dot_s8(a + k, w1 + k, k_len - k, a1);
            oa[oc + 1] = te_out8(a1, mult[oc + 1], shift[oc + 1], out_off, act_min, act_max);
        }
        if (b != 0) {
            b0 = te_dot_s8(b + k, w0 + k, k_len - k, b0);
            ob[oc] = te_out8(b0, mult[oc], shift[oc], out_off, act_min, act_max);
            if (two_c) {
                b1 = te_dot_s8(b + k, w1 + k, k_len - k, b1);
                ob[oc + 1] = te_out8(b1, mult[oc + 1], shift[oc + 1], out_off, act_min, act_max);
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
