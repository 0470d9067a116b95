#ifndef TE_CAST_H_
#define TE_CAST_H_
#include <stdint.h>

/* CAST: out[i] = in[i] (the raw values widened; TFLM cast.cc copyCast). */
void te_cast_s8_s16(const int8_t *in, int16_t *out, int32_t n);
void te_cast_s8_s32(const int8_t *in, int32_t *out, int32_t n);

#endif
