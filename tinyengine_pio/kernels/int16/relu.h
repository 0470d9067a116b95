#ifndef TE_RELU_S16_H_
#define TE_RELU_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_relu_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift,
                 int32_t act_min, int32_t act_max);

void te_clamp_s16(const int16_t *in, int16_t *out, int32_t n, int32_t lo, int32_t hi);

#endif
