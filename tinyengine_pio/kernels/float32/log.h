#ifndef TE_LOG_F32_H_
#define TE_LOG_F32_H_
#include <stdint.h>

void te_log_f32(const float *in, float *out, int32_t n);

#endif
