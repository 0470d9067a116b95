#ifndef TE_LOG_SOFTMAX_H_
#define TE_LOG_SOFTMAX_H_
#include <stdint.h>

/* exp_q12[k]: exp(scale * -k) rescaled to Q12.19 (0 below TFLite's diff_min), k = 0..255;
 * diff_q5[k]: -k scaled to Q5.26 (MultiplyByQuantizedMultiplier with the input multiplier). */
void te_log_softmax_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t depth,
                       const int32_t *exp_q12, const int32_t *diff_q5, int32_t diff_min,
                       int32_t reverse_mult, int32_t reverse_shift);

#endif
