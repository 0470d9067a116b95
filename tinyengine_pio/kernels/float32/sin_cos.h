#ifndef TE_SIN_COS_F32_H_
#define TE_SIN_COS_F32_H_
#include <stdint.h>

void te_sin_f32(const float *in, float *out, int32_t n);
void te_cos_f32(const float *in, float *out, int32_t n);

#endif
