#ifndef TE_FULLY_CONNECTED_S16_H_
#define TE_FULLY_CONNECTED_S16_H_
#include <stdint.h>

#include "te_int16.h"

void te_fully_connected_s16(const int16_t *x, const int8_t *w, const int64_t *bias,
                            int16_t *out, int32_t batches, int32_t depth, int32_t units,
                            int32_t in_off, int32_t out_off, const int32_t *mult,
                            const int32_t *shift, int32_t act_min, int32_t act_max);

void te_fully_connected_acc32_s16(const int16_t *x, const int8_t *w, const int32_t *bias,
                                  int16_t *out, int32_t batches, int32_t depth, int32_t units,
                                  int32_t in_off, int32_t out_off, const int32_t *mult,
                                  const int32_t *shift, int32_t act_min, int32_t act_max);

#endif
