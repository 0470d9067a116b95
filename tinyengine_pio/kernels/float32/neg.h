#ifndef TE_NEG_F32_H_
#define TE_NEG_F32_H_
#include <stdint.h>

void te_neg_f32(const float *in, float *out, int32_t n);

#endif
