/* TRANSPOSE_CONV int16x8: TFLite's reference_integer_ops::TransposeConv for int16 input and
 * output, int8 filters [out_c, k_h, k_w, in_c] and an int64 bias (or an int16 one, which TFLM
 * widens first): every input element's products x * w scattered into an int64 buffer of the
 * output (no zero points: TFLM's int16 kernel applies none), then + bias,
 * MultiplyByQuantizedMultiplier(int64_t) per channel and the clamp. Integer sums do not depend
 * on their order, so each output gathers its products in a register instead (no scratch):
 * input row iy reaches output row oy through filter row oy + pad_t - iy * stride_h. */
#include <stddef.h>

#include "transpose_conv_s16.h"

/* The input rows (or columns) [*lo, *hi) whose filter tap lands on output o. */
static void te_tconv_span_s16(int32_t o, int32_t pad, int32_t k, int32_t stride, int32_t size,
                              int32_t *lo, int32_t *hi) {
    const int32_t first = o + pad - k + 1;
    const int32_t last = o + pad;
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = last < 0 ? 0 : last / stride + 1;
    if (*hi > size) {
        *hi = size;
    }
}

void te_transpose_conv_s16(const int16_t *in, int32_t batches, int32_t in_h, int32_t in_w,
                           int32_t in_c, const int8_t *w, const int64_t *bias64,
                           const int16_t *bias16, int32_t k_h, int32_t k_w, int32_t stride_h,
                           int32_t stride_w, int32_t pad_t, int32_t pad_l, int16_t *out,
                           int32_t out_h, int32_t out_w, int32_t out_c, const int32_t *mult,
                           const int32_t *shift, int32_t act_min, int32_t act_max) {
    int32_t b, oy, ox, oc, iy, ix, c, iy0, iy1, ix0, ix1;
    for (b = 0; b < batches; ++b) {
        const int16_t *img = in + b * in_h * in_w * in_c;
        for (oy = 0; oy < out_h; ++oy) {
            te_tconv_span_s16(oy, pad_t, k_h, stride_h, in_h, &iy0, &iy1);
            for (ox = 0; ox < out_w; ++ox) {
                te_tconv_span_s16(ox, pad_l, k_w, stride_w, in_w, &ix0, &ix1);
                for (oc = 0; oc < out_c; ++oc) {
                    const int8_t *filt = w + oc * k_h * k_w * in_c;
                    int64_t acc = 0;
                    for (iy = iy0; iy < iy1; ++iy) {
                        const int32_t fy = oy + pad_t - iy * stride_h;
                        for (ix = ix0; ix < ix1; ++ix) {
                            const int32_t fx = ox + pad_l - ix * stride_w;
                            const int16_t *xp = img + (iy * in_w + ix) * in_c;
                            const int8_t *wp = filt + (fy * k_w + fx) * in_c;
                            for (c = 0; c < in_c; ++c) {
                                acc += (int32_t)xp[c] * (int32_t)wp[c];
                            }
                        }
                    }
                    if (bias64 != NULL) {
                        acc += bias64[oc];
                    } else if (bias16 != NULL) {
                        acc += bias16[oc];
                    }
                    *out++ = (int16_t)te_clamp(te_requant64(acc, mult[oc], shift[oc]), act_min,
                                               act_max);
                }
            }
        }
    }
}
