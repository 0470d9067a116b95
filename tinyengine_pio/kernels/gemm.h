#ifndef TE_GEMM_H_
#define TE_GEMM_H_
#include <stdint.h>

/* portable/gemm.c: oa[r] = requant(bias[r] + dot(a, w[r])), ob likewise for column b
 * (skipped when b is NULL), for r < out_c; w is out_c rows of k_len int8. */
void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
                  const int32_t *bias, int8_t *oa, int8_t *ob, int32_t out_c, int32_t out_off,
                  const int32_t *mult, const int32_t *shift, int32_t act_min, int32_t act_max);

#include "te_common.h"
#if TE_FAST
/* dsp/gemm.c (TE_FAST): doubled int16 columns, host-packed weights (layouts/gemm.py). */
void te_widen_s8(const int8_t *src, int32_t n, uint32_t *dst, int32_t step);
void te_fill_s16(uint32_t *dst, int32_t nblk, int32_t value, int32_t step);
void te_gemm2x2_fast(const uint32_t *cols, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo, int32_t hi);
void te_gemm2x4_fast(const uint32_t *cols, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *out, int32_t out_c, int32_t lo, int32_t hi);
/* The same against int16 weights: pack_rows16 in row pairs (twice the flash), rq as above. */
void te_gemm2x2_w16(const uint32_t *cols, int32_t nblk, const uint32_t *w16, const int32_t *rq,
                    int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo, int32_t hi);
void te_gemm2x4_w16(const uint32_t *cols, int32_t nblk, const uint32_t *w16, const int32_t *rq,
                    int8_t *out, int32_t out_c, int32_t lo, int32_t hi);
void te_gemm2x2_s8_fast(const int8_t *cols, int32_t nblk, const uint32_t *wp,
                        const int32_t *rq, int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo,
                        int32_t hi);
void te_gemm2x1_fast(const int8_t *x, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *out, int32_t out_c, int32_t lo, int32_t hi);
void te_gemv4_fast(const uint32_t *col, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                   int8_t *out, int32_t units, int32_t lo, int32_t hi);
void te_gemv4_s8_fast(const int8_t *x, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                      int8_t *out, int32_t units, int32_t lo, int32_t hi);
/* One doubled int16 column (two words a block) times int16 weights, rows in quads
 * (layouts/gemm.py pack_rows16), rq per quad (rq_blocks, group 4, doubled). */
void te_gemm4x1_w16(const uint32_t *col, int32_t nblk, const uint32_t *w16, const int32_t *rq,
                    int8_t *out, int32_t out_c, int32_t lo, int32_t hi);
#endif
#if TE_MVE
/* mve/gemm.c: Helium, weights and rq as layouts/mve.py */
void te_gemm_mve(const int8_t *x, int32_t pixels, int32_t k, const int8_t *w,
                 const int32_t *rq, int8_t *out, int32_t rows, int32_t lo, int32_t hi);
#endif

#endif
