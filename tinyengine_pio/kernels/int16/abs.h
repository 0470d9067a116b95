#ifndef TE_ABS_S16_H_
#define TE_ABS_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* mode 0: std::abs truncated to int16 (unquantized input), 1: |x| clamped to int16, 2: |x|
 * requantized by mult / shift, then clamped. */
void te_abs_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mode, int32_t mult,
                int32_t shift);

#endif
