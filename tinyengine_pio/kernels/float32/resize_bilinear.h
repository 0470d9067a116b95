#ifndef TE_RESIZE_BILINEAR_F32_H_
#define TE_RESIZE_BILINEAR_F32_H_
#include <stdint.h>

#include "te_float.h"

/* rows: y0, y1 per output row; row_w: 1 - dy, dy per output row; cols / col_w likewise. */
void te_resize_bilinear_f32(const float *in, float *out, int32_t batches, int32_t in_h,
                            int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                            const int32_t *rows, const float *row_w, const int32_t *cols,
                            const float *col_w);

#endif
