#ifndef TE_LOGISTIC_F32_H_
#define TE_LOGISTIC_F32_H_
#include <stdint.h>

void te_logistic_f32(const float *in, float *out, int32_t n);

#endif
