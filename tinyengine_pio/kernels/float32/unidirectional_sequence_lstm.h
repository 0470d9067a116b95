#ifndef TE_UNIDIRECTIONAL_SEQUENCE_LSTM_F32_H_
#define TE_UNIDIRECTIONAL_SEQUENCE_LSTM_F32_H_
#include <stdint.h>

#include "te_float.h"

/* One UNIDIRECTIONAL_SEQUENCE_LSTM over the whole sequence: weights per gate in TFLM's order
 * (input, forget, cell, output); w_* [n_state, n_input], r_* [n_state, n_state], b_* [n_state];
 * h and c [batches, n_state] are the state, read and updated; out [steps, batches, n_state]
 * (time_major) or [batches, steps, n_state]; cell_clip 0: none. */
void te_unidirectional_sequence_lstm_f32(
    const float *input, const float *w_i, const float *w_f, const float *w_c, const float *w_o,
    const float *r_i, const float *r_f, const float *r_c, const float *r_o, const float *b_i,
    const float *b_f, const float *b_c, const float *b_o, float *h, float *c, float *out,
    int32_t batches, int32_t steps, int32_t n_input, int32_t n_state, int32_t time_major,
    float cell_clip);

#endif
