#ifndef TE_SQRT_F32_H_
#define TE_SQRT_F32_H_
#include <stdint.h>

void te_sqrt_f32(const float *in, float *out, int32_t n);

#endif
