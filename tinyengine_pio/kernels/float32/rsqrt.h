#ifndef TE_RSQRT_F32_H_
#define TE_RSQRT_F32_H_
#include <stdint.h>

void te_rsqrt_f32(const float *in, float *out, int32_t n);

#endif
