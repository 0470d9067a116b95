#ifndef TE_QUANTIZE_H_
#define TE_QUANTIZE_H_
#include <stdint.h>

void te_requantize_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                      int32_t shift, int32_t out_zp);
void te_requantize_u8_s8(const uint8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                         int32_t shift, int32_t out_zp);
void te_requantize_s8_u8(const int8_t *in, uint8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                         int32_t shift, int32_t out_zp);
void te_quantize_f32(const float *in, int8_t *out, int32_t n, float scale, int32_t zp);

#endif
