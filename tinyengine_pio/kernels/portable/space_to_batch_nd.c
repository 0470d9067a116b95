/* SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND (TFLM reference_ops::SpaceToBatchND /
 * BatchToSpaceND): pure data movement, a pixel (`run` bytes) at a time, in output order. */
#include "space_to_batch_nd.h"
#include "te_isa.h"

void te_space_to_batch_nd(const int8_t *in, int8_t *out, int32_t n, int32_t h, int32_t w,
                          int32_t run, int32_t out_n, int32_t out_h, int32_t out_w, int32_t bh,
                          int32_t bw, int32_t pt, int32_t pl, const int8_t *pad, int32_t elem) {
    int32_t ob, oy, ox, k;
    for (ob = 0; ob < out_n; ++ob) {
        const int32_t b = ob % n, sh = (ob / n) / bw, sw = (ob / n) % bw;
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t y = oy * bh + sh - pt;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x = ox * bw + sw - pl;
                if (y < 0 || y >= h || x < 0 || x >= w) {
                    for (k = 0; k < run; k += elem) {
                        te_copy(out + k, pad, elem);
                    }
                } else {
                    te_copy(out, in + ((b * h + y) * w + x) * run, run);
                }
                out += run;
            }
        }
    }
}

void te_batch_to_space_nd(const int8_t *in, int8_t *out, int32_t h, int32_t w, int32_t run,
                          int32_t out_n, int32_t out_h, int32_t out_w, int32_t bh, int32_t bw,
                          int32_t ct, int32_t cl) {
    int32_t b, oy, ox;
    for (b = 0; b < out_n; ++b) {
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t y = oy + ct;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x = ox + cl;
                const int32_t ib = ((y % bh) * bw + x % bw) * out_n + b;
                te_copy(out, in + ((ib * h + y / bh) * w + x / bw) * run, run);
                out += run;
            }
        }
    }
}
