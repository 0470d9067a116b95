#ifndef TE_EXP_F32_H_
#define TE_EXP_F32_H_
#include <stdint.h>

void te_exp_f32(const float *in, float *out, int32_t n);

#endif
