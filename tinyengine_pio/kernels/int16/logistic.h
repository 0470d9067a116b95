#ifndef TE_LOGISTIC_S16_H_
#define TE_LOGISTIC_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_logistic_s16(const int16_t *in, int16_t *out, int32_t n, int32_t mult, int32_t shift,
                     const uint16_t *table);

#endif
