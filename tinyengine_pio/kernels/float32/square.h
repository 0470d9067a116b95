#ifndef TE_SQUARE_F32_H_
#define TE_SQUARE_F32_H_
#include <stdint.h>

void te_square_f32(const float *in, float *out, int32_t n);

#endif
