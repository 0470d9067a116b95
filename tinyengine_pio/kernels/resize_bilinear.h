#ifndef TE_RESIZE_BILINEAR_H_
#define TE_RESIZE_BILINEAR_H_
#include <stdint.h>

/* rows: per output row {y0, y1, weight of y1 in 1/1024}; cols: likewise per output column. */
void te_resize_bilinear_s8(const int8_t *in, int8_t *out, int32_t batches, int32_t in_h,
                           int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                           const int32_t *rows, const int32_t *cols);

#endif
