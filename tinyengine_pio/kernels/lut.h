#ifndef TE_LUT_H_
#define TE_LUT_H_
#include <stdint.h>

/* out[i] = table[in[i] + 128]; in == out allowed. */
void te_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *table);

#endif
