#ifndef TE_L2_NORMALIZATION_F32_H_
#define TE_L2_NORMALIZATION_F32_H_
#include <stdint.h>

#include "te_float.h"

void te_l2_normalization_f32(const float *in, float *out, int32_t outer, int32_t depth);

#endif
