#ifndef TE_DEQUANTIZE_F32_H_
#define TE_DEQUANTIZE_F32_H_
#include <stdint.h>

#include "te_float.h"

void te_dequantize_s16_f32(const int16_t *in, float *out, int32_t n, float scale, int32_t zp);

#endif
