/* The pair GEMM shared by CONV_2D (pointwise and im2col paths) and FULLY_CONNECTED:
 * two columns (a, b; b may be NULL) times all output rows, two rows at a time (CMSIS-NN's
 * mat_mult shape). With the DSP extension four int8 values are widened with SXTB16 (and its
 * ROR 8 form) and multiplied pairwise with SMLAD; otherwise plain C, same results. */
#include "gemm.h"
#include "te_common.h"

static int32_t te_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t acc) {
    int32_t k;
    for (k = 0; k < n; ++k) {
        acc += x[k] * w[k];
    }
    return acc;
}

#if TE_FAST
/* rq (may be NULL): {m, cc, e} per output channel for te_out8_fast */
#define TE_GEMM_OUT(acc, i)                                                              \
    (rq != NULL ? te_out8_fast(2 * (acc), rq[3 * (i)], rq[3 * (i) + 1], rq[3 * (i) + 2],      \
                               act_min, act_max)                                          \
                : te_out8((acc), mult[i], shift[i], out_off, act_min, act_max))
#else
#define TE_GEMM_OUT(acc, i) te_out8((acc), mult[i], shift[i], out_off, act_min, act_max)
#endif

/* Two columns (pixels a, b; b may be NULL) times all output channels, two channels at a time. */
void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
                         const int32_t *bias, int8_t *oa, int8_t *ob, int32_t out_c,
                         int32_t out_off, const int32_t *mult, const int32_t *shift,
                         int32_t act_min, int32_t act_max, const int32_t *rq) {
    int32_t oc;
    (void)rq;
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
        } else if (two_c) {            /* one column (FULLY_CONNECTED, odd last pixel) */
            for (; k + 4 <= k_len; k += 4) {
                const uint32_t va = te_ld32(a + k);
                TE_DOT4(a0, va, te_ld32(w0 + k));
                TE_DOT4(a1, va, te_ld32(w1 + k));
            }
        }
#endif
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

