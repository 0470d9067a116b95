#ifndef TE_SOFTMAX_S16_H_
#define TE_SOFTMAX_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_softmax_s16(const int16_t *in, int16_t *out, int32_t outer, int32_t depth, int32_t mult,
                    int32_t shift, const int16_t *exp_lut, const int16_t *recip_lut);

/* int8 input, int16 output (zero point -32768, scale 1/65536): exp_table[k] = exp(beta * scale
 * * -k) in Q0.31 (0 below TFLite's diff_min), k = 0..255, as the int8 SOFTMAX's. */
void te_softmax_s8_s16(const int8_t *in, int16_t *out, int32_t outer, int32_t depth,
                       const int32_t *exp_table);

#endif
