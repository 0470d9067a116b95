#ifndef TE_SOFTMAX_H_
#define TE_SOFTMAX_H_
#include <stdint.h>

/* exp_table[k] = exp(beta * scale * -k) in Q0.31 (0 below TFLite's diff_min), k = 0..255. */
void te_softmax_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t depth,
                   const int32_t *exp_table);

#endif
