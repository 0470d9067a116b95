#ifndef TE_RELU_H_
#define TE_RELU_H_
#include <stdint.h>

void te_relu_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                int32_t shift, int32_t out_off, int32_t act_min, int32_t act_max);
void te_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t lo, int32_t hi);

#endif
