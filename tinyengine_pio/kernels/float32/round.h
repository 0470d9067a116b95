#ifndef TE_ROUND_F32_H_
#define TE_ROUND_F32_H_
#include <stdint.h>

void te_round_f32(const float *in, float *out, int32_t n);

#endif
