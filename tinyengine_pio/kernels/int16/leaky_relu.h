#ifndef TE_LEAKY_RELU_S16_H_
#define TE_LEAKY_RELU_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_leaky_relu_s16(const int16_t *in, int16_t *out, int32_t n, int32_t in_zp,
                       int32_t out_zp, int32_t id_mult, int32_t id_shift, int32_t alpha_mult,
                       int32_t alpha_shift, int32_t alpha_negative);

#endif
