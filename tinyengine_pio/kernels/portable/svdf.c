/* SVDF int8, bit-exact with TFLM's EvalIntegerSvdfReference<T> (svdf_common.cc), T the state's
 * and the time weights' type: the state shifted left by one element; per batch and filter the
 * feature dot product of (x - input_zp), MultiplyByQuantizedMultiplier(effective_scale_1),
 * clamped to T, stored as state_zp + value (a static_cast to T); per output unit the bias plus,
 * over the rank, the time dot products of (state - state_zp); MultiplyByQuantizedMultiplier(
 * effective_scale_2) + output_zp clamped to int8. TFLM's int32 time sums and reduction may
 * exceed int32 with int16 state; they wrap (two's complement) as on TFLM's targets, so here they
 * are summed as uint32_t. One loop body for both state types. */
#include "svdf.h"

#include "te_common.h"

#define TE_SVDF_BODY(T, T_MIN, T_MAX)                                                        \
    do {                                                                                     \
        const int32_t total = batches * n_filters * n_memory;                                \
        const int32_t n_units = n_filters / rank;                                            \
        int32_t i, b, f, u, k;                                                               \
        for (i = 0; i + 1 < total; ++i) { /* the left shift of the whole state */           \
            state[i] = state[i + 1];                                                         \
        }                                                                                    \
        for (b = 0; b < batches; ++b) {   /* feature matmul into the newest column */       \
            const int8_t *xb = x + b * n_input;                                              \
            for (f = 0; f < n_filters; ++f) {                                                \
                const int8_t *w = w_feat + f * n_input;                                      \
                int32_t dot = 0;                                                             \
                for (k = 0; k < n_input; ++k) {                                              \
                    dot += (int32_t)w[k] * ((int32_t)xb[k] - input_zp);                      \
                }                                                                            \
                dot = te_clamp(te_requant(dot, mult1, shift1), T_MIN, T_MAX);                \
                state[(b * n_filters + f) * n_memory + n_memory - 1] = (T)(state_zp + dot);  \
            }                                                                                \
        }                                                                                    \
        for (b = 0; b < batches; ++b) {   /* time weights, rank reduction, requantization */ \
            for (u = 0; u < n_units; ++u) {                                                  \
                uint32_t acc = (uint32_t)bias[u];                                            \
                int32_t r;                                                                   \
                for (r = 0; r < rank; ++r) {                                                 \
                    const int32_t filt = u * rank + r;                                       \
                    const T *w = w_time + filt * n_memory;                                   \
                    const T *s = state + (b * n_filters + filt) * n_memory;                  \
                    uint32_t dot = 0u;                                                       \
                    for (k = 0; k < n_memory; ++k) {                                         \
                        dot += (uint32_t)((int64_t)w[k] * ((int32_t)s[k] - state_zp));       \
                    }                                                                        \
                    acc += dot;                                                              \
                }                                                                            \
                out[b * n_units + u] = (int8_t)te_clamp(                                     \
                    te_requant((int32_t)acc, mult2, shift2) + output_zp, -128, 127);         \
            }                                                                                \
        }                                                                                    \
    } while (0)

void te_svdf_s8_s16(const int8_t *x, const int8_t *w_feat, const int16_t *w_time,
                    const int32_t *bias, int16_t *state, int8_t *out, int32_t batches,
                    int32_t n_input, int32_t n_filters, int32_t n_memory, int32_t rank,
                    int32_t input_zp, int32_t state_zp, int32_t output_zp, int32_t mult1,
                    int32_t shift1, int32_t mult2, int32_t shift2) {
    TE_SVDF_BODY(int16_t, -32768, 32767);
}

void te_svdf_s8_s8(const int8_t *x, const int8_t *w_feat, const int8_t *w_time,
                   const int32_t *bias, int8_t *state, int8_t *out, int32_t batches,
                   int32_t n_input, int32_t n_filters, int32_t n_memory, int32_t rank,
                   int32_t input_zp, int32_t state_zp, int32_t output_zp, int32_t mult1,
                   int32_t shift1, int32_t mult2, int32_t shift2) {
    TE_SVDF_BODY(int8_t, -128, 127);
}
