/* The pair GEMM shared by CONV_2D (pointwise and im2col paths) and FULLY_CONNECTED:
 * two columns (a, b; b may be NULL) times all output rows, two rows at a time (CMSIS-NN's
 * mat_mult shape). Plain C; with the DSP extension TE_SIMD_GEMM_PAIR (te_dsp.h) takes four k
 * at a time (SXTB16 and SMLAD), same results. */
#include "gemm.h"
#include "te_isa.h"

static int32_t te_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t acc) {
    int32_t k;
    for (k = 0; k < n; ++k) {
        acc += x[k] * w[k];
    }
    return acc;
}

#define TE_GEMM_OUT(acc, i) te_out8((acc), mult[i], shift[i], out_off, act_min, act_max)

/* Two columns (pixels a, b; b may be NULL) times all output channels, two channels at a time. */
void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
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
        TE_SIMD_GEMM_PAIR(a, b, w0, w1, two_c, k_len, k, a0, a1, b0, b1);
        a0 = te_dot_s8(a + k, w0 + k, k_len - k, a0);
        oa[oc] = TE_GEMM_OUT(a0, oc);
        if (two_c) {
            a1 = te_dot_s8(a + k, w1 + k, k_len - k, a1);
            oa[oc + 1] = TE_GEMM_OUT(a1, oc + 1);
        }
        if (b != 0) {
            b0 = te_dot_s8(b + k, w0 + k, k_len - k, b0);
            ob[oc] = TE_GEMM_OUT(b0, oc);
            if (two_c) {
                b1 = te_dot_s8(b + k, w1 + k, k_len - k, b1);
                ob[oc + 1] = TE_GEMM_OUT(b1, oc + 1);
            }
        }
    }
}
