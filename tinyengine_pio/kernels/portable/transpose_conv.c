/* TRANSPOSE_CONV int8, NHWC, filter OHWI, per-channel requantization. Portable C, bit-exact
 * with TFLM reference_integer_ops::TransposeConv: every input pixel scatters
 * (x + in_off) * w into the int32 accumulators of the output pixels its taps reach (the sums
 * are the same in any order: the compiler checks that they cannot overflow), then each
 * accumulator plus the bias is requantized per output channel. */
#include "transpose_conv.h"
#include "te_common.h"

void te_transpose_conv_s8(const int8_t *in, int32_t batches, int32_t in_h, int32_t in_w,
                          int32_t in_c, const int8_t *w, const int32_t *bias, int32_t k_h,
                          int32_t k_w, int32_t stride_h, int32_t stride_w, int32_t pad_t,
                          int32_t pad_l, int8_t *out, int32_t out_h, int32_t out_w,
                          int32_t out_c, int32_t in_off, int32_t out_off, const int32_t *mult,
                          const int32_t *shift, int32_t act_min, int32_t act_max, int32_t *acc) {
    const int32_t n_out = out_h * out_w * out_c;
    int32_t b, iy, ix, ky, kx, oc, ic, i;
    for (b = 0; b < batches; ++b) {
        const int8_t *src = in + b * in_h * in_w * in_c;
        int8_t *dst = out + b * n_out;
        for (i = 0; i < n_out; ++i) {
            acc[i] = 0;
        }
        for (iy = 0; iy < in_h; ++iy) {
            const int32_t oy0 = iy * stride_h - pad_t;
            for (ix = 0; ix < in_w; ++ix) {
                const int32_t ox0 = ix * stride_w - pad_l;
                const int8_t *px = src + (iy * in_w + ix) * in_c;
                for (ky = 0; ky < k_h; ++ky) {
                    const int32_t oy = oy0 + ky;
                    if (oy < 0 || oy >= out_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; ++kx) {
                        const int32_t ox = ox0 + kx;
                        int32_t *a;
                        if (ox < 0 || ox >= out_w) {
                            continue;
                        }
                        a = acc + (oy * out_w + ox) * out_c;
                        for (oc = 0; oc < out_c; ++oc) {
                            const int8_t *wp = w + ((oc * k_h + ky) * k_w + kx) * in_c;
                            int32_t sum = 0;
                            for (ic = 0; ic < in_c; ++ic) {
                                sum += (px[ic] + in_off) * wp[ic];
                            }
                            a[oc] += sum;
                        }
                    }
                }
            }
        }
        for (i = 0; i < n_out; ++i) {
            oc = i % out_c;
            dst[i] = te_out8(acc[i] + bias[oc], mult[oc], shift[oc], out_off, act_min, act_max);
        }
    }
}
