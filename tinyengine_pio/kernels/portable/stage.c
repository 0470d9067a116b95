#include "stage.h"

void te_rows_push(te_rows_t *b, int32_t keep, int32_t count) {
    if (keep > b->n) {          /* rows no consumer reads (stride > window): keep from n */
        keep = b->n;
    }
    if (b->n + count - 1 - b->base >= b->cap) {
        const int32_t bytes = (b->n - keep) * b->row_bytes;
        const int8_t *src = b->buf + (keep - b->base) * b->row_bytes;
        int8_t *dst = b->buf;
        int32_t i = 0;
        /* forward copy, dst below src: safe for the overlap; words where both are aligned */
        if (((((uintptr_t)src) | ((uintptr_t)dst) | (uintptr_t)bytes) & 3u) == 0u) {
            for (; i < bytes; i += 4) {
                *(int32_t *)(void *)(dst + i) = *(const int32_t *)(const void *)(src + i);
            }
        }
        for (; i < bytes; ++i) {
            dst[i] = src[i];
        }
        b->base = keep;
    }
}
