#ifndef TE_TRANSPOSE_H_
#define TE_TRANSPOSE_H_
#include <stdint.h>

/* Output in scan order; (n_i, s_i) = size and input stride of output dim i. */
void te_transpose_s8(const int8_t *in, int8_t *out, int32_t n0, int32_t s0, int32_t n1, int32_t s1,
                     int32_t n2, int32_t s2, int32_t n3, int32_t s3);

#endif
