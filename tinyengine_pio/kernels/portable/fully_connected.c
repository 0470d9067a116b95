/* FULLY_CONNECTED int8: out[b][u] = requant(sum_k (in[b][k] + in_off) * w[u][k] + bias[u]).
 * Portable C, bit-exact with TFLM reference_integer_ops::FullyConnected(PerChannel). */
#include "fully_connected.h"
#include "gemm.h"
#include "te_isa.h"

void te_fully_connected_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           int32_t batches, int32_t depth, int32_t units, int32_t in_off,
                           int32_t out_off, const int32_t *mult, const int32_t *shift,
                           int32_t act_min, int32_t act_max) {
    int32_t b, u, k;
    for (b = 0; b < batches; ++b) {
        const int8_t *x = in + b * depth;
        for (u = 0; u < units; ++u) {
            const int8_t *wr = w + u * depth;
            int32_t acc = 0;
            for (k = 0; k < depth; ++k) {
                acc += (x[k] + in_off) * wr[k];
            }
            acc += bias[u];
            out[b * units + u] = te_out8(acc, mult[u], shift[u], out_off, act_min, act_max);
        }
    }
}

/* Input offset folded into the bias: each batch row is one GEMM column (SMLAD with DSP). */
void te_fully_connected_folded_s8(const int8_t *in, const int8_t *w, const int32_t *bias,
                                  int8_t *out, int32_t batches, int32_t depth, int32_t units,
                                  int32_t out_off, const int32_t *mult, const int32_t *shift,
                                  int32_t act_min, int32_t act_max) {
    int32_t b;
    for (b = 0; b < batches; ++b) {
        te_gemm_pair(in + b * depth, 0, depth, w, bias, out + b * units, 0, units, out_off, mult,
                     shift, act_min, act_max);
    }
}
