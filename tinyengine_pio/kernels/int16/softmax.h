#ifndef TE_SOFTMAX_S16_H_
#define TE_SOFTMAX_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_softmax_s16(const int16_t *in, int16_t *out, int32_t outer, int32_t depth, int32_t mult,
                    int32_t shift, const int16_t *exp_lut, const int16_t *recip_lut);

#endif
