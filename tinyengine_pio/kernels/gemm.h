#ifndef TE_GEMM_H_
#define TE_GEMM_H_
#include <stdint.h>

/* oa[r] = requant(bias[r] + dot(a, w[r])), ob likewise for column b (skipped when b is NULL),
 * for r < out_c; w is out_c rows of k_len int8. `rq` (TE_FAST builds, else NULL): {m, cc, e}
 * per row for te_out8_fast (the compiler checks that it is exact). */
void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
                  const int32_t *bias, int8_t *oa, int8_t *ob, int32_t out_c, int32_t out_off,
                  const int32_t *mult, const int32_t *shift, int32_t act_min, int32_t act_max,
                  const int32_t *rq);

#endif
