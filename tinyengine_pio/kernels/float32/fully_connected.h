#ifndef TE_FULLY_CONNECTED_F32_H_
#define TE_FULLY_CONNECTED_F32_H_
#include <stdint.h>

#include "te_float.h"   /* TE_FLT_MAX, the clamp literals of the calls */

void te_fully_connected_f32(const float *x, const float *w, const float *bias, float *out,
                            int32_t batches, int32_t depth, int32_t units, float lo, float hi);

#endif
