#ifndef TE_CEIL_F32_H_
#define TE_CEIL_F32_H_
#include <stdint.h>

void te_ceil_f32(const float *in, float *out, int32_t n);

#endif
