#ifndef TE_ABS_F32_H_
#define TE_ABS_F32_H_
#include <stdint.h>

void te_abs_f32(const float *in, float *out, int32_t n);

#endif
