#ifndef TE_SVDF_F32_H_
#define TE_SVDF_F32_H_
#include <stdint.h>

#include "te_float.h"

/* ActivationValFloat's cases (act) */
#define TE_SVDF_ACT_NONE 0
#define TE_SVDF_ACT_RELU 1
#define TE_SVDF_ACT_RELU_N1_TO_1 2
#define TE_SVDF_ACT_RELU6 3
#define TE_SVDF_ACT_TANH 4
#define TE_SVDF_ACT_SIGN_BIT 5

/* SVDF float32: x [batches, n_input], w_feat [n_filters, n_input], w_time [n_filters,
 * n_memory], bias [n_filters / rank], state [batches, n_filters * n_memory] (read and
 * updated), out [batches, n_filters / rank]. */
void te_svdf_f32(const float *x, const float *w_feat, const float *w_time, const float *bias,
                 float *state, float *out, int32_t batches, int32_t n_input, int32_t n_filters,
                 int32_t n_memory, int32_t rank, int32_t act);

#endif
