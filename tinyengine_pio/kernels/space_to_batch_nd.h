#ifndef TE_SPACE_TO_BATCH_ND_H_
#define TE_SPACE_TO_BATCH_ND_H_

#include <stdint.h>

/* SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND on 4-D NHWC tensors, on bytes: `run` is the bytes of
 * one pixel (depth x element size), so every dtype runs the same code. */

/* out[ob][oy][ox] = in[ob % n][oy*bh + sh - pt][ox*bw + sw - pl] with (sh, sw) from ob / n,
 * or the `elem` bytes of `pad` outside the input. */
void te_space_to_batch_nd(const int8_t *in, int8_t *out, int32_t n, int32_t h, int32_t w,
                          int32_t run, int32_t out_n, int32_t out_h, int32_t out_w, int32_t bh,
                          int32_t bw, int32_t pt, int32_t pl, const int8_t *pad, int32_t elem);

/* out[b][oy][ox] = in[((Y % bh) * bw + X % bw) * out_n + b][Y / bh][X / bw], Y = oy + ct,
 * X = ox + cl. */
void te_batch_to_space_nd(const int8_t *in, int8_t *out, int32_t h, int32_t w, int32_t run,
                          int32_t out_n, int32_t out_h, int32_t out_w, int32_t bh, int32_t bw,
                          int32_t ct, int32_t cl);

#endif
