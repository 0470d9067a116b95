#ifndef TE_UNIDIRECTIONAL_SEQUENCE_LSTM_H_
#define TE_UNIDIRECTIONAL_SEQUENCE_LSTM_H_
#include <stdint.h>

/* One int8 UNIDIRECTIONAL_SEQUENCE_LSTM (8-bit activations and weights, int16 cell state,
 * int32 biases), its constants prepared on the host. Gates in TFLM's order: input, forget,
 * cell, output. Multipliers and shifts as MultiplyByQuantizedMultiplier takes them. */
typedef struct {
    const int8_t *w_in[4];     /* input-to-gate weights [n_state][n_input] */
    const int8_t *w_rec[4];    /* recurrent weights [n_state][n_state] */
    const int32_t *bias[4];    /* [n_state] */
    const uint16_t *sigmoid_table;  /* the int16 LOGISTIC / TANH table (ops/int16/sigmoid_table) */
    int32_t in_mult[4];        /* input FC -> Q3.12 gate input */
    int32_t in_shift[4];
    int32_t rec_mult[4];       /* recurrent FC -> Q3.12 */
    int32_t rec_shift[4];
    int32_t w_in_offset[4];    /* -zero point of each weight tensor (0 in practice) */
    int32_t w_rec_offset[4];
    int32_t input_offset;      /* -input zero point */
    int32_t hidden_offset;     /* -hidden state zero point */
    int32_t hidden_zp;
    int32_t forget_mult;       /* forget gate (Q0.15) x cell -> cell */
    int32_t forget_shift;
    int32_t input_mult;        /* input gate x cell gate (Q0.15 each) -> cell */
    int32_t input_shift;
    int32_t hidden_mult;       /* tanh(cell) x output gate -> hidden state */
    int32_t hidden_shift;
    int32_t tanh_mult;         /* the cell state's scaling into the int16 tanh: */
    int32_t tanh_shift;        /* (c * tanh_mult + round) >> tanh_shift */
    int32_t clip;              /* 1: clip the cell to +-cell_clip */
    int32_t cell_clip;         /* quantized */
    int32_t batches;
    int32_t steps;
    int32_t n_input;
    int32_t n_state;
    int32_t time_major;        /* input [steps][batches][n_input], else [batches][steps][..] */
} te_lstm_s8_params;

/* h [batches][n_state] int8 and c [batches][n_state] int16: the state, read and updated;
 * out: the hidden state of every step, [steps][batches][n_state] or [batches][steps][..]. */
void te_unidirectional_sequence_lstm_s8(const te_lstm_s8_params *p, const int8_t *input,
                                        int8_t *h, int16_t *c, int8_t *out);

#endif
