#ifndef TE_LOG_SOFTMAX_F32_H_
#define TE_LOG_SOFTMAX_F32_H_
#include <stdint.h>

#include "te_float.h"

void te_log_softmax_f32(const float *in, float *out, int32_t outer, int32_t depth);

#endif
