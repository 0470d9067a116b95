/* ADD with the DSP extension (TE_FAST): per-input tables and te_rq_fast. */
#include "add.h"
#include "te_isa.h"

#if TE_FAST
/* TE_FAST: each input's rescaled term depends on its int8 value alone, so the host tabulates
 * it (ta[x] = 2 * MultiplyByQuantizedMultiplierSmallerThanOneExp((x + a_off) << 20, ...), ta
 * pointing at entry 0 of 256) and the output requantization is te_rq_fast (m, cc, e). */
TE_INLINE void te_add_lut_body(const int8_t *a, const int8_t *b, int8_t *out, int32_t d0,
                               int32_t d1, int32_t d2, int32_t d3, int32_t a0, int32_t a1,
                               int32_t a2, int32_t a3, int32_t b0, int32_t b1, int32_t b2,
                               int32_t b3, const int32_t *ta, const int32_t *tb, int32_t m,
                               int32_t cc, int32_t e, int32_t clamp, int32_t lo, int32_t hi) {
    int32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < d0; ++i0) {
        for (i1 = 0; i1 < d1; ++i1) {
            for (i2 = 0; i2 < d2; ++i2) {
                const int8_t *pa = a + i0 * a0 + i1 * a1 + i2 * a2;
                const int8_t *pb = b + i0 * b0 + i1 * b1 + i2 * b2;
                if (a3 == 1 && b3 == 1) {
                    for (i3 = 0; i3 < d3; ++i3) {
                        *out++ = te_sat_fast(te_rq_fast(ta[pa[i3]] + tb[pb[i3]], m, cc, e),
                                             clamp, lo, hi);
                    }
                    continue;
                }
                for (i3 = 0; i3 < d3; ++i3) {
                    *out++ = te_sat_fast(te_rq_fast(ta[pa[i3 * a3]] + tb[pb[i3 * b3]], m, cc, e),
                                         clamp, lo, hi);
                }
            }
        }
    }
}

void te_add_lut_fast(const int8_t *a, const int8_t *b, int8_t *out, int32_t d0, int32_t d1,
                     int32_t d2, int32_t d3, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                     int32_t b0, int32_t b1, int32_t b2, int32_t b3, const int32_t *ta,
                     const int32_t *tb, int32_t m, int32_t cc, int32_t e, int32_t act_min,
                     int32_t act_max) {
#define TE_CALL(clamp) te_add_lut_body(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0,    \
    b1, b2, b3, ta, tb, m, cc, e, clamp, act_min, act_max)
    TE_BY_CLAMP(act_min, act_max, TE_CALL);
#undef TE_CALL
}
#endif
