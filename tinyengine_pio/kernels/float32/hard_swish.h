#ifndef TE_HARD_SWISH_F32_H_
#define TE_HARD_SWISH_F32_H_
#include <stdint.h>

void te_hard_swish_f32(const float *in, float *out, int32_t n);

#endif
