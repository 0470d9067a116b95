#ifndef TE_FLOOR_F32_H_
#define TE_FLOOR_F32_H_
#include <stdint.h>

void te_floor_f32(const float *in, float *out, int32_t n);

#endif
