/* FULLY_CONNECTED with the DSP extension (TE_FAST): weights packed in row quads and rq
 * per quad (layouts/gemm.py), te_gemv4_fast / te_gemv4_s8_fast of dsp/gemm.c. */
#include "fully_connected.h"
#include "gemm.h"
#include "te_isa.h"

#if TE_FAST
/* TE_FAST: each batch row widened once into `col` (doubled int16, 8 * ceil(depth / 4) bytes),
 * then four rows of the host-packed weights at a time (te_gemv4_fast). */
void te_fully_connected_fast(const int8_t *in, const uint32_t *wp, const int32_t *rq,
                             int8_t *out, int32_t batches, int32_t depth, int32_t units,
                             int32_t act_min, int32_t act_max, uint32_t *col) {
    int32_t b;
    for (b = 0; b < batches; ++b) {
        te_widen_s8(in + b * depth, depth, col, 2);
        te_gemv4_fast(col, (depth + 3) >> 2, wp, rq, out + b * units, units, act_min, act_max);
    }
}

/* Lean: no column buffer (the arena would grow), x read as int8 (te_gemv4_s8_fast). */
void te_fully_connected_lean(const int8_t *in, const uint32_t *wp, const int32_t *rq,
                             int8_t *out, int32_t batches, int32_t depth, int32_t units,
                             int32_t act_min, int32_t act_max) {
    int32_t b;
    for (b = 0; b < batches; ++b) {
        te_gemv4_s8_fast(in + b * depth, (depth + 3) >> 2, wp, rq, out + b * units, units,
                         act_min, act_max);
    }
}
#endif
