#ifndef TE_RSQRT_S16_H_
#define TE_RSQRT_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* shift: the output multiplier's shift less RsqrtEvalQuantized's kShift (20). */
void te_rsqrt_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift);

#endif
