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
