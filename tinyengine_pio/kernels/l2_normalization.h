#ifndef TE_L2_NORMALIZATION_H_
#define TE_L2_NORMALIZATION_H_
#include <stdint.h>

/* Each row of depth int8 values: (x - in_zp) / sqrt(sum (x - in_zp)^2), output scale 1/128,
 * zero point 0. */
void te_l2_normalization_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t depth,
                            int32_t in_zp);

#endif
