/* CONV_2D int8, NHWC, filter OHWI (I = in_c / groups), per-channel requantization.
 * Portable C, bit-exact with TFLM reference_integer_ops::ConvPerChannel (with the DSP
 * extension, TE_SIMD_CONV_TAPS of te_dsp.h takes four channels of a tap at a time). */
#include "conv_2d.h"
#include "gemm.h"
#include "te_isa.h"

void te_conv_2d_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                   const int8_t *w, const int32_t *bias, int32_t k_h, int32_t k_w, int32_t f_c,
                   int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                   int32_t pad_t, int32_t pad_l,
                   int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                   int32_t in_off, int32_t out_off, const int32_t *mult, const int32_t *shift,
                   int32_t act_min, int32_t act_max) {
    const int32_t per_group = out_c / (in_c / f_c);
    int32_t oy, ox, oc, ky, kx, ic;
    TE_SIMD_CONV_DECL(off2, in_off)
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
                        TE_SIMD_CONV_TAPS(px, wp, f_c, ic, off2, acc)
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
 * with pad_val (the input zero point, so padded taps add nothing once the offset is folded).
 * With dilation 1 a kernel row is three runs: left padding, the input, right padding. */
void te_im2col(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c, int32_t k_h,
               int32_t k_w, int32_t iy0, int32_t ix0, int32_t dil_h, int32_t dil_w,
               int8_t pad_val, int8_t *col) {
    const int32_t left = ix0 < 0 ? (-ix0 < k_w ? -ix0 : k_w) : 0;
    const int32_t over = ix0 + k_w - in_w;
    const int32_t right = over > 0 ? (over < k_w - left ? over : k_w - left) : 0;
    int32_t ky, kx, c;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = iy0 + dil_h * ky;
        const int8_t *row = in + (iy >= 0 && iy < in_h ? iy : 0) * in_w * in_c;
        if (iy >= 0 && iy < in_h && dil_w == 1) {
            for (c = 0; c < left * in_c; ++c) {
                *col++ = pad_val;
            }
            te_copy(col, row + (ix0 + left) * in_c, (k_w - left - right) * in_c);
            col += (k_w - left - right) * in_c;
            for (c = 0; c < right * in_c; ++c) {
                *col++ = pad_val;
            }
            continue;
        }
        for (kx = 0; kx < k_w; ++kx) {
            const int32_t ix = ix0 + dil_w * kx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                for (c = 0; c < in_c; ++c) {
                    col[c] = pad_val;
                }
            } else {
                te_copy(col, row + ix * in_c, in_c);
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

/* Winograd F(2x2, 3x3), integer-exact (ops/conv_winograd.py): per 2x2 output tile, the 4x4
 * input tile d (padding reads as pad_val, the input zero point; the offset is folded into
 * bias) transformed to V = B^T d B in `v` (16 * in_c int16, position-major), then per output
 * channel M = sum over in_c of U . V (u: int16 [16][out_c][in_c], U = G' g G'^T with G' = 2G),
 * Y = A^T M A = 4x the direct sums: acc = Y / 4 + bias, exactly the direct accumulator. */
static void te_wino_tile_in(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            int32_t y0, int32_t x0, int32_t pad_val, int16_t *v) {
    int32_t c, i, d[16], t[16];
    for (c = 0; c < in_c; ++c) {
        for (i = 0; i < 16; ++i) {
            const int32_t iy = y0 + (i >> 2), ix = x0 + (i & 3);
            d[i] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? in[(iy * in_w + ix) * in_c + c]
                                                                 : pad_val;
        }
        for (i = 0; i < 4; ++i) {          /* B^T d: rows */
            t[i] = d[i] - d[8 + i];
            t[4 + i] = d[4 + i] + d[8 + i];
            t[8 + i] = d[8 + i] - d[4 + i];
            t[12 + i] = d[4 + i] - d[12 + i];
        }
        for (i = 0; i < 16; i += 4) {      /* (B^T d) B: columns */
            v[(i + 0) * in_c + c] = (int16_t)(t[i] - t[i + 2]);
            v[(i + 1) * in_c + c] = (int16_t)(t[i + 1] + t[i + 2]);
            v[(i + 2) * in_c + c] = (int16_t)(t[i + 2] - t[i + 1]);
            v[(i + 3) * in_c + c] = (int16_t)(t[i + 1] - t[i + 3]);
        }
    }
}

void te_conv_2d_winograd_s8(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                            const int16_t *u, const int32_t *bias, int32_t pad_t, int32_t pad_l,
                            int8_t *out, int32_t out_h, int32_t out_w, int32_t out_c,
                            int32_t pad_val, int32_t out_off, const int32_t *mult,
                            const int32_t *shift, int32_t act_min, int32_t act_max, int16_t *v) {
    int32_t ty, tx, oc, pos, c, i;
    for (ty = 0; ty < out_h; ty += 2) {
        for (tx = 0; tx < out_w; tx += 2) {
            te_wino_tile_in(in, in_h, in_w, in_c, ty - pad_t, tx - pad_l, pad_val, v);
            for (oc = 0; oc < out_c; ++oc) {
                int32_t m[16], y[4];
                for (pos = 0; pos < 16; ++pos) {
                    const int16_t *up = u + (pos * out_c + oc) * in_c, *vp = v + pos * in_c;
                    int32_t acc = 0;
                    for (c = 0; c < in_c; ++c) {
                        acc += up[c] * vp[c];
                    }
                    m[pos] = acc;
                }
                te_wino_out(m, y);
                for (i = 0; i < 4; ++i) {
                    const int32_t oy = ty + (i >> 1), ox = tx + (i & 1);
                    if (oy < out_h && ox < out_w) {
                        out[(oy * out_w + ox) * out_c + oc] = te_out8(
                            (y[i] >> 2) + bias[oc], mult[oc], shift[oc], out_off, act_min,
                            act_max);
                    }
                }
            }
        }
    }
}
