#ifndef TE_STAGE_H_
#define TE_STAGE_H_
#include <stdint.h>
#include "te_common.h"

/* A fused stage's line buffer (the compiler's stages/__init__.py): rows [base, n) of a tensor
 * held at buf, at most `cap` rows of `row_bytes` (a whole tensor: cap = its rows, base 0). */
typedef struct {
    int8_t *buf;
    int32_t row_bytes;
    int32_t cap;
    int32_t base;    /* the tensor row held at buf */
    int32_t n;       /* rows produced so far */
} te_rows_t;

TE_INLINE void te_rows_init(te_rows_t *b, int8_t *buf, int32_t row_bytes, int32_t cap,
                            int32_t n) {
    b->buf = buf;
    b->row_bytes = row_bytes;
    b->cap = cap;
    b->base = 0;
    b->n = n;
}

/* Row r of the tensor (base <= r < base + cap). */
TE_INLINE int8_t *te_rows_at(const te_rows_t *b, int32_t r) {
    return b->buf + (r - b->base) * b->row_bytes;
}

/* The lowest input row a consumer still reads: its next output row `n` times its stride, less
 * its top padding, at least 0. */
TE_INLINE int32_t te_rows_low(int32_t n, int32_t stride, int32_t pad) {
    const int32_t r = n * stride - pad;
    return r > 0 ? r : 0;
}

TE_INLINE int32_t te_rows_min(int32_t a, int32_t b) {
    return a < b ? a : b;
}

/* Make room for rows [n, n + count): when they do not fit, move rows [keep, n) to the
 * buffer's front (keep: the lowest row any consumer still reads; the compiler sized cap so
 * they fit). */
void te_rows_push(te_rows_t *b, int32_t keep, int32_t count);

#endif /* TE_STAGE_H_ */
