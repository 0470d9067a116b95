/* SVDF float32: TFLM's EvalFloatSvdfReference and ApplyTimeWeightsBiasAndActivation
 * (svdf_common.cc), their float operations in their order: the same bits where the activation
 * is not TANH (te_tanhf is a few ulp from std::tanh). */
#include "svdf_f32.h"

/* std::fmax / std::fmin (TfLiteMax / TfLiteMin): a NaN operand yields the other one */
static float te_svdf_fmax(float a, float b) {
    if (a != a) {
        return b;
    }
    if (b != b) {
        return a;
    }
    return a < b ? b : a;
}

static float te_svdf_fmin(float a, float b) {
    if (a != a) {
        return b;
    }
    if (b != b) {
        return a;
    }
    return b < a ? b : a;
}

/* ActivationValFloat */
static float te_svdf_activation(int32_t act, float a) {
    switch (act) {
    case TE_SVDF_ACT_RELU:
        return te_svdf_fmax(0.0f, a);
    case TE_SVDF_ACT_RELU_N1_TO_1:
        return te_svdf_fmax(-1.0f, te_svdf_fmin(a, 1.0f));
    case TE_SVDF_ACT_RELU6:
        return te_svdf_fmax(0.0f, te_svdf_fmin(a, 6.0f));
    case TE_SVDF_ACT_TANH:
        return te_tanhf(a);
    case TE_SVDF_ACT_SIGN_BIT:
        return (te_f2u(a) >> 31) ? 1.0f : 0.0f;
    default:
        return a;
    }
}

void te_svdf_f32(const float *x, const float *w_feat, const float *w_time, const float *bias,
                 float *state, float *out, int32_t batches, int32_t n_input, int32_t n_filters,
                 int32_t n_memory, int32_t rank, int32_t act) {
    const int32_t total = batches * n_filters * n_memory;
    const int32_t n_units = n_filters / rank;
    int32_t i, b, f, u, r, k;
    for (i = 0; i + 1 < total; ++i) {        /* the left shift of the whole state */
        state[i] = state[i + 1];
    }
    for (b = 0; b < batches; ++b) {          /* feature matmul into the newest column */
        const float *xb = x + b * n_input;
        for (f = 0; f < n_filters; ++f) {
            const float *w = w_feat + f * n_input;
            float dot = 0.0f;
            for (k = 0; k < n_input; ++k) {
                dot += w[k] * xb[k];
            }
            state[(b * n_filters + f) * n_memory + n_memory - 1] = dot;
        }
    }
    for (b = 0; b < batches; ++b) {          /* bias + the rank's time dot products */
        for (u = 0; u < n_units; ++u) {
            float acc = bias[u];
            for (r = 0; r < rank; ++r) {
                const int32_t filt = u * rank + r;
                const float *w = w_time + filt * n_memory;
                const float *s = state + (b * n_filters + filt) * n_memory;
                float dot = 0.0f;
                for (k = 0; k < n_memory; ++k) {
                    dot += w[k] * s[k];
                }
                acc += dot;
            }
            out[b * n_units + u] = te_svdf_activation(act, acc);
        }
    }
}
