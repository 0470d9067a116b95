/* UNIDIRECTIONAL_SEQUENCE_LSTM int8, bit-exact with TFLM's EvalLstm<int8_t, int8_t, int16_t,
 * int32_t> (lstm_eval.h / lstm_eval.cc): per gate reference_integer_ops::FullyConnected of the
 * input (+ bias) and of the hidden state into int16 Q3.12, their saturating sum, the int16
 * Logistic / Tanh of reference_integer_ops (sigmoid table interpolation); the cell update by
 * MulElementwise (forget x cell, input x cell gate), saturating add and the quantized clip; the
 * hidden state MulElementwise(tanh(cell), output gate) into int8. TFLM runs each step gate by
 * gate over a row; every operation after the FCs is per element and the FCs read only the input
 * and the previous hidden state, so here each element's four gates are computed at once, its
 * new hidden value written to the output row, and the row copied into h after the last element
 * (TFLM copies h to the output). int32 dot products wrap as TFLM's do (uint32_t sums). */
#include "unidirectional_sequence_lstm.h"

#include "te_common.h"


/* reference_integer_ops::Logistic(int16) with input_multiplier 0, shift 0 (Q3.12 -> Q0.15) */
static int16_t te_lstm_sigmoid16(const uint16_t *table, int32_t x) {
    const int32_t in = x * 3;
    const uint32_t a = (uint32_t)(in < 0 ? -in : in);
    const uint32_t uh = a >> 9;
    uint32_t r;
    if (uh >= 255u) {
        r = 0x7FFFu << 10;
    } else {
        const uint32_t ua = table[uh];
        const uint32_t ub = table[uh + 1u];
        r = (ua << 9) + (a & 0x1FFu) * (ub - ua);
    }
    r = in >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

/* reference_integer_ops::Tanh(int16): in = (x * mult + round) >> shift, table interpolation */
static int16_t te_lstm_tanh16(const uint16_t *table, int32_t x, int32_t mult,
                              int32_t shift) {
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    const int32_t in = (x * mult + round) >> shift;
    const uint32_t a = (uint32_t)(in < 0 ? -in : in);
    const uint32_t uh = a >> 8;
    int32_t r;
    if (uh >= 255u) {
        r = 0xFFFF << 8;
    } else {
        const uint32_t ua = table[uh];
        const uint32_t ub = table[uh + 1u];
        r = (int32_t)((ua << 8) + (a & 0xFFu) * (ub - ua));
    }
    r = in >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(r >> 8);
}

TE_INLINE int32_t te_lstm_sat16(int32_t x) {
    return te_clamp(x, -32768, 32767);
}

/* the two FCs of gate g at state element j, each requantized to int16, then their
 * saturating sum (AddElementWise) */
static int32_t te_lstm_gate(const te_lstm_s8_params *p, int32_t g, int32_t j, const int8_t *x,
                            const int8_t *h) {
    const int8_t *w = p->w_in[g] + j * p->n_input;
    const int8_t *r = p->w_rec[g] + j * p->n_state;
    uint32_t acc_in = (uint32_t)p->bias[g][j], acc_rec = 0u;
    int32_t d, fc_in, fc_rec;
    for (d = 0; d < p->n_input; ++d) {
        acc_in += (uint32_t)(((int32_t)w[d] + p->w_in_offset[g]) *
                             ((int32_t)x[d] + p->input_offset));
    }
    for (d = 0; d < p->n_state; ++d) {
        acc_rec += (uint32_t)(((int32_t)r[d] + p->w_rec_offset[g]) *
                              ((int32_t)h[d] + p->hidden_offset));
    }
    fc_in = te_lstm_sat16(te_requant((int32_t)acc_in, p->in_mult[g], p->in_shift[g]));
    fc_rec = te_lstm_sat16(te_requant((int32_t)acc_rec, p->rec_mult[g], p->rec_shift[g]));
    return te_lstm_sat16(fc_in + fc_rec);
}

void te_unidirectional_sequence_lstm_s8(const te_lstm_s8_params *p, const int8_t *input,
                                        int8_t *h, int16_t *c, int8_t *out) {
    const int32_t n_state = p->n_state;
    const uint16_t *sig = p->sigmoid_table;
    int32_t b, t, j;
    for (b = 0; b < p->batches; ++b) {
        int8_t *hb = h + b * n_state;
        int16_t *cb = c + b * n_state;
        for (t = 0; t < p->steps; ++t) {
            const int32_t row = p->time_major ? t * p->batches + b : b * p->steps + t;
            const int8_t *x = input + row * p->n_input;
            int8_t *o_row = out + row * n_state;
            for (j = 0; j < n_state; ++j) {
                const int32_t ig = te_lstm_sigmoid16(sig, te_lstm_gate(p, 0, j, x, hb));
                const int32_t fg = te_lstm_sigmoid16(sig, te_lstm_gate(p, 1, j, x, hb));
                const int32_t cg = te_lstm_tanh16(sig, te_lstm_gate(p, 2, j, x, hb), 3, 0);
                const int32_t og = te_lstm_sigmoid16(sig, te_lstm_gate(p, 3, j, x, hb));
                int32_t cell = te_lstm_sat16(te_requant(fg * (int32_t)cb[j], p->forget_mult,
                                                        p->forget_shift));
                cell = te_lstm_sat16(cell + te_lstm_sat16(te_requant(ig * cg, p->input_mult,
                                                                     p->input_shift)));
                if (p->clip) {
                    cell = cell < p->cell_clip ? cell : p->cell_clip;
                    cell = cell > -p->cell_clip ? cell : -p->cell_clip;
                }
                cb[j] = (int16_t)cell;
                o_row[j] = (int8_t)te_clamp(
                    p->hidden_zp + te_requant((int32_t)te_lstm_tanh16(sig, cell, p->tanh_mult,
                                                                      p->tanh_shift) * og,
                                              p->hidden_mult, p->hidden_shift), -128, 127);
            }
            for (j = 0; j < n_state; ++j) {    /* the new hidden state, once all read the old */
                hb[j] = o_row[j];
            }
        }
    }
}
