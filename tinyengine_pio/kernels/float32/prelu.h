#ifndef TE_PRELU_F32_H_
#define TE_PRELU_F32_H_
#include <stdint.h>

void te_prelu_f32(const float *a, const float *b, float *out,
                  int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                  int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                  int32_t b0, int32_t b1, int32_t b2, int32_t b3);

#endif
