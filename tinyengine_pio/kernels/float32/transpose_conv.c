/* TRANSPOSE_CONV float32, bit-equal with TFLM's reference_ops::TransposeConv (float). TFLM
 * zeroes the output and scatters each input element's products into it (loop order in_y, in_x,
 * in_channel, filter_y, filter_x, out_channel), so each output is 0.0f plus its contributing
 * products in (in_y, in_x, in_channel) order; then + bias (only with one) and the clamp. Here
 * each output gathers the same products in the same order into a register: input row iy
 * reaches output row oy through filter row fy = oy + pad_t - iy * stride_h in [0, k_h). */
#include <stddef.h>

#include "transpose_conv_f32.h"

/* The input rows (or columns) [*lo, *hi) whose filter tap lands on output o. */
static void te_tconv_span(int32_t o, int32_t pad, int32_t k, int32_t stride, int32_t size,
                          int32_t *lo, int32_t *hi) {
    const int32_t first = o + pad - k + 1;      /* fy = k - 1 */
    const int32_t last = o + pad;               /* fy = 0 */
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = last < 0 ? 0 : last / stride + 1;
    if (*hi > size) {
        *hi = size;
    }
}

void te_transpose_conv_f32(const float *in, int32_t batches, int32_t in_h, int32_t in_w,
                           int32_t in_c, const float *w, const float *bias, int32_t k_h,
                           int32_t k_w, int32_t stride_h, int32_t stride_w, int32_t pad_t,
                           int32_t pad_l, float *out, int32_t out_h, int32_t out_w,
                           int32_t out_c, float lo, float hi) {
    int32_t b, oy, ox, oc, iy, ix, c, iy0, iy1, ix0, ix1;
    for (b = 0; b < batches; ++b) {
        const float *img = in + b * in_h * in_w * in_c;
        for (oy = 0; oy < out_h; ++oy) {
            te_tconv_span(oy, pad_t, k_h, stride_h, in_h, &iy0, &iy1);
            for (ox = 0; ox < out_w; ++ox) {
                te_tconv_span(ox, pad_l, k_w, stride_w, in_w, &ix0, &ix1);
                for (oc = 0; oc < out_c; ++oc) {
                    const float *filt = w + oc * k_h * k_w * in_c;
                    float total = 0.0f;
                    for (iy = iy0; iy < iy1; ++iy) {
                        const int32_t fy = oy + pad_t - iy * stride_h;
                        for (ix = ix0; ix < ix1; ++ix) {
                            const int32_t fx = ox + pad_l - ix * stride_w;
                            const float *xp = img + (iy * in_w + ix) * in_c;
                            const float *wp = filt + (fy * k_w + fx) * in_c;
                            for (c = 0; c < in_c; ++c) {
                                total += *xp++ * *wp++;
                            }
                        }
                    }
                    if (bias != NULL) {
                        total += bias[oc];
                    }
                    *out++ = te_clampf(total, lo, hi);
                }
            }
        }
    }
}
