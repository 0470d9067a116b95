#ifndef TE_LEAKY_RELU_F32_H_
#define TE_LEAKY_RELU_F32_H_
#include <stdint.h>

void te_leaky_relu_f32(const float *in, float *out, int32_t n, float alpha);

#endif
