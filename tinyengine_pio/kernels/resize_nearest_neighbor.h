#ifndef TE_RESIZE_NEAREST_NEIGHBOR_H_
#define TE_RESIZE_NEAREST_NEIGHBOR_H_
#include <stdint.h>

void te_resize_nearest_neighbor_s8(const int8_t *in, int8_t *out, int32_t batches, int32_t in_h,
                                   int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                                   const int16_t *ys, const int16_t *xs);
void te_resize_nearest_neighbor32_s8(const int8_t *in, int8_t *out, int32_t batches, int32_t in_h,
                                     int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                                     const int32_t *ys, const int32_t *xs);

#endif
