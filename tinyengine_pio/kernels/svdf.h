#ifndef TE_SVDF_H_
#define TE_SVDF_H_
#include <stdint.h>

/* SVDF int8 (TFLM's EvalIntegerSvdfReference<T>): x [batches, n_input], w_feat [n_filters,
 * n_input], w_time [n_filters, n_memory] and the state [batches, n_filters * n_memory] of type
 * T (int16: _s16, int8: _s8), bias [n_filters / rank] int32, out [batches, n_filters / rank].
 * The state is read and updated (shifted by one, then the newest column written). */
void te_svdf_s8_s16(const int8_t *x, const int8_t *w_feat, const int16_t *w_time,
                    const int32_t *bias, int16_t *state, int8_t *out, int32_t batches,
                    int32_t n_input, int32_t n_filters, int32_t n_memory, int32_t rank,
                    int32_t input_zp, int32_t state_zp, int32_t output_zp, int32_t mult1,
                    int32_t shift1, int32_t mult2, int32_t shift2);
void te_svdf_s8_s8(const int8_t *x, const int8_t *w_feat, const int8_t *w_time,
                   const int32_t *bias, int8_t *state, int8_t *out, int32_t batches,
                   int32_t n_input, int32_t n_filters, int32_t n_memory, int32_t rank,
                   int32_t input_zp, int32_t state_zp, int32_t output_zp, int32_t mult1,
                   int32_t shift1, int32_t mult2, int32_t shift2);

#endif
