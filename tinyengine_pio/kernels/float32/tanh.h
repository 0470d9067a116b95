#ifndef TE_TANH_F32_H_
#define TE_TANH_F32_H_
#include <stdint.h>

void te_tanh_f32(const float *in, float *out, int32_t n);

#endif
