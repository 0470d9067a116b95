/* RESIZE_NEAREST_NEIGHBOR int8 with host-computed source indices (ys, xs). */
#include "resize_nearest_neighbor.h"
#include "te_isa.h"

#define TE_RESIZE_BODY                                                                        \
    int32_t b, y, x;                                                                          \
    for (b = 0; b < batches; ++b) {                                                           \
        const int8_t *src = in + b * in_h * in_w * c;                                         \
        for (y = 0; y < out_h; ++y) {                                                         \
            const int8_t *row = src + ys[y] * in_w * c;                                       \
            for (x = 0; x < out_w; ++x) {                                                     \
                te_copy(out, row + xs[x] * c, c);                                             \
                out += c;                                                                     \
            }                                                                                 \
        }                                                                                     \
    }

void te_resize_nearest_neighbor_s8(const int8_t *in, int8_t *out, int32_t batches, int32_t in_h,
                                   int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                                   const int16_t *ys, const int16_t *xs) {
    TE_RESIZE_BODY
}

void te_resize_nearest_neighbor32_s8(const int8_t *in, int8_t *out, int32_t batches, int32_t in_h,
                                     int32_t in_w, int32_t c, int32_t out_h, int32_t out_w,
                                     const int32_t *ys, const int32_t *xs) {
    TE_RESIZE_BODY
}
