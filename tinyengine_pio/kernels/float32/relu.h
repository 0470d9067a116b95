#ifndef TE_RELU_F32_H_
#define TE_RELU_F32_H_
#include <stdint.h>

void te_relu_f32(const float *in, float *out, int32_t n);
void te_relu6_f32(const float *in, float *out, int32_t n);

#endif
