#ifndef TE_QUANTIZE_F32_H_
#define TE_QUANTIZE_F32_H_
#include <stdint.h>

#include "te_float.h"

void te_quantize_f32_s16(const float *in, int16_t *out, int32_t n, float scale, int32_t zp);

#endif
