#ifndef TE_FULLY_CONNECTED_H_
#define TE_FULLY_CONNECTED_H_
#include <stdint.h>

void te_fully_connected_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           int32_t batches, int32_t depth, int32_t units, int32_t in_off,
                           int32_t out_off, const int32_t *mult, const int32_t *shift,
                           int32_t act_min, int32_t act_max);

void te_fully_connected_folded_s8(const int8_t *in, const int8_t *w, const int32_t *bias,
                                  int8_t *out, int32_t batches, int32_t depth, int32_t units,
                                  int32_t out_off, const int32_t *mult, const int32_t *shift,
                                  int32_t act_min, int32_t act_max);

#include "te_common.h"
#if TE_FAST
/* dsp/fully_connected.c: weights packed in row quads and rq per quad (layouts/gemm.py);
 * `col`: 8 * ceil(depth / 4) bytes */
void te_fully_connected_fast(const int8_t *in, const uint32_t *wp, const int32_t *rq,
                             int8_t *out, int32_t batches, int32_t depth, int32_t units,
                             int32_t act_min, int32_t act_max, uint32_t *col);
void te_fully_connected_lean(const int8_t *in, const uint32_t *wp, const int32_t *rq,
                             int8_t *out, int32_t batches, int32_t depth, int32_t units,
                             int32_t act_min, int32_t act_max);
#endif

#endif
