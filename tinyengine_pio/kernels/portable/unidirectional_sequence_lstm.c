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

/* tflite's sigmoid_table_uint16 (kernels/internal/common.h) */
static const uint16_t te_lstm_sigmoid_table[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
    40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
    46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
    52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
    56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
    59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
    61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
    62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
    63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
    64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
    64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
    65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
    65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
    65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
    65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
    65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
    65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
    65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
    65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
    65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65535};

/* reference_integer_ops::Logistic(int16) with input_multiplier 0, shift 0 (Q3.12 -> Q0.15) */
static int16_t te_lstm_sigmoid16(int32_t x) {
    const int32_t in = x * 3;
    const uint32_t a = (uint32_t)(in < 0 ? -in : in);
    const uint32_t uh = a >> 9;
    uint32_t r;
    if (uh >= 255u) {
        r = 0x7FFFu << 10;
    } else {
        const uint32_t ua = te_lstm_sigmoid_table[uh];
        const uint32_t ub = te_lstm_sigmoid_table[uh + 1u];
        r = (ua << 9) + (a & 0x1FFu) * (ub - ua);
    }
    r = in >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

/* reference_integer_ops::Tanh(int16): in = (x * mult + round) >> shift, table interpolation */
static int16_t te_lstm_tanh16(int32_t x, int32_t mult, int32_t shift) {
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    const int32_t in = (x * mult + round) >> shift;
    const uint32_t a = (uint32_t)(in < 0 ? -in : in);
    const uint32_t uh = a >> 8;
    int32_t r;
    if (uh >= 255u) {
        r = 0xFFFF << 8;
    } else {
        const uint32_t ua = te_lstm_sigmoid_table[uh];
        const uint32_t ub = te_lstm_sigmoid_table[uh + 1u];
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
    int32_t b, t, j;
    for (b = 0; b < p->batches; ++b) {
        int8_t *hb = h + b * n_state;
        int16_t *cb = c + b * n_state;
        for (t = 0; t < p->steps; ++t) {
            const int32_t row = p->time_major ? t * p->batches + b : b * p->steps + t;
            const int8_t *x = input + row * p->n_input;
            int8_t *o_row = out + row * n_state;
            for (j = 0; j < n_state; ++j) {
                const int32_t ig = te_lstm_sigmoid16(te_lstm_gate(p, 0, j, x, hb));
                const int32_t fg = te_lstm_sigmoid16(te_lstm_gate(p, 1, j, x, hb));
                const int32_t cg = te_lstm_tanh16(te_lstm_gate(p, 2, j, x, hb), 3, 0);
                const int32_t og = te_lstm_sigmoid16(te_lstm_gate(p, 3, j, x, hb));
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
                    p->hidden_zp + te_requant((int32_t)te_lstm_tanh16(cell, p->tanh_mult,
                                                                      p->tanh_shift) * og,
                                              p->hidden_mult, p->hidden_shift), -128, 127);
            }
            for (j = 0; j < n_state; ++j) {    /* the new hidden state, once all read the old */
                hb[j] = o_row[j];
            }
        }
    }
}
