/* UNIDIRECTIONAL_SEQUENCE_LSTM float32: TFLM's EvalLstm<float, float, float, float> (lstm_eval.h)
 * with its float operations in its order per element (see ops/float32/unidirectional_sequence_lstm.py):
 * FullyConnected (sum from 0.0f in depth order, + bias, NONE clamp), AddElementWise,
 * reference_ops::Logistic (the tanh of the cell gate and of the cell: Tanh), Mul (NONE clamp), Clipping. */
#include "unidirectional_sequence_lstm_f32.h"

/* reference_ops::Logistic<float> */
static float te_lstm_sigmoid(float x) {
    if (x > 16.619047164916992188f) {
        return 1.0f;
    }
    if (x < -9.0f) {
        return te_expf(x);
    }
    return 1.0f / (1.0f + te_expf(-x));
}

/* FC(x) + bias and FC(h) (no bias: + 0.0f), each clamped as TFLM's NONE range, then their sum */
static float te_lstm_gate(const float *x, const float *w, float bias, const float *h,
                          const float *r, int32_t n_input, int32_t n_state) {
    float in_fc = 0.0f, rec_fc = 0.0f;
    int32_t d;
    for (d = 0; d < n_input; ++d) {
        in_fc += x[d] * w[d];
    }
    for (d = 0; d < n_state; ++d) {
        rec_fc += h[d] * r[d];
    }
    in_fc = te_clampf(in_fc + bias, -TE_FLT_MAX, TE_FLT_MAX);
    rec_fc = te_clampf(rec_fc + 0.0f, -TE_FLT_MAX, TE_FLT_MAX);
    return in_fc + rec_fc;
}

void te_unidirectional_sequence_lstm_f32(
    const float *input, const float *w_i, const float *w_f, const float *w_c, const float *w_o,
    const float *r_i, const float *r_f, const float *r_c, const float *r_o, const float *b_i,
    const float *b_f, const float *b_c, const float *b_o, float *h, float *c, float *out,
    int32_t batches, int32_t steps, int32_t n_input, int32_t n_state, int32_t time_major,
    float cell_clip) {
    int32_t b, t, j;
    for (b = 0; b < batches; ++b) {
        float *hb = h + b * n_state;
        float *cb = c + b * n_state;
        for (t = 0; t < steps; ++t) {
            const int32_t row = time_major ? t * batches + b : b * steps + t;
            const float *x = input + row * n_input;
            float *o_row = out + row * n_state;
            for (j = 0; j < n_state; ++j) {
                const int32_t wj = j * n_input, rj = j * n_state;
                const float ig = te_lstm_sigmoid(
                    te_lstm_gate(x, w_i + wj, b_i[j], hb, r_i + rj, n_input, n_state));
                const float fg = te_lstm_sigmoid(
                    te_lstm_gate(x, w_f + wj, b_f[j], hb, r_f + rj, n_input, n_state));
                const float gg = te_tanhf(
                    te_lstm_gate(x, w_c + wj, b_c[j], hb, r_c + rj, n_input, n_state));
                const float og = te_lstm_sigmoid(
                    te_lstm_gate(x, w_o + wj, b_o[j], hb, r_o + rj, n_input, n_state));
                float cj = te_clampf(fg * cb[j], -TE_FLT_MAX, TE_FLT_MAX);
                cj = cj + te_clampf(ig * gg, -TE_FLT_MAX, TE_FLT_MAX);
                if (cell_clip > 0.0f) {           /* std::max(std::min(clip, c), -clip) */
                    cj = (cj < cell_clip) ? cj : cell_clip;
                    cj = (cj < -cell_clip) ? -cell_clip : cj;
                }
                cb[j] = cj;
                o_row[j] = te_clampf(te_tanhf(cj) * og, -TE_FLT_MAX, TE_FLT_MAX);
            }
            for (j = 0; j < n_state; ++j) {    /* the new hidden state, once all read the old */
                hb[j] = o_row[j];
            }
        }
    }
}
