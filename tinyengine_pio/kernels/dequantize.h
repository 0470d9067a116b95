#ifndef TE_DEQUANTIZE_H_
#define TE_DEQUANTIZE_H_
#include <stdint.h>

void te_dequantize_s8(const int8_t *in, float *out, int32_t n, float scale, int32_t zp);
void te_dequantize_u8(const uint8_t *in, float *out, int32_t n, float scale, int32_t zp);

#endif
