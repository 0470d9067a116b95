/* CONV_2D with Helium (TE_MVE): im2col columns times te_gemm_mve (layouts/mve.py). */
#include "conv_2d.h"
#include "gemm.h"
#include "te_isa.h"

#if TE_MVE
/* Helium: the receptive fields of a pair of output pixels copied into two int8 columns
 * (te_im2col, the padding the input zero point) before either pixel is written (the planner's
 * pixel-pair overlap), then te_gemm_mve over each (mve_rows() weights, k = k_h * k_w * in_c). */
void te_conv_2d_im2col_mve(const int8_t *in, int32_t in_h, int32_t in_w, int32_t in_c,
                           const int8_t *w, const int32_t *rq, int32_t k_h, int32_t k_w,
                           int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                           int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                           int32_t out_w, int32_t out_c, int32_t pad_val, int32_t act_min,
                           int32_t act_max, int8_t *scratch) {
    const int32_t k_len = k_h * k_w * in_c, pixels = out_h * out_w;
    int32_t p, i, n, oy = 0, ox = 0;
    for (p = 0; p < pixels; p += 2) {
        n = p + 1 < pixels ? 2 : 1;
        for (i = 0; i < n; ++i) {
            te_im2col(in, in_h, in_w, in_c, k_h, k_w, oy * stride_h - pad_t,
                      ox * stride_w - pad_l, dil_h, dil_w, (int8_t)pad_val, scratch + i * k_len);
            te_next_px(&oy, &ox, out_w, 1);
        }
        te_gemm_mve(scratch, n, k_len, w, rq, out + p * out_c, out_c, act_min, act_max);
    }
}
#endif
