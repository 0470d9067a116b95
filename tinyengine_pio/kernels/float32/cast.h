#ifndef TE_CAST_F32_H_
#define TE_CAST_F32_H_

#include <stdint.h>

/* CAST to and from float32: out[i] = static_cast of in[i] (TFLM cast.cc copyCast). float32 to
 * an integer truncates toward zero (a value outside the integer's range is undefined, in C as in
 * TFLM's C++); an integer to float32 rounds to nearest. */
void te_cast_f32_s8(const float *in, int8_t *out, int32_t n);
void te_cast_f32_s16(const float *in, int16_t *out, int32_t n);
void te_cast_f32_s32(const float *in, int32_t *out, int32_t n);
void te_cast_f32_f32(const float *in, float *out, int32_t n);
void te_cast_s8_f32(const int8_t *in, float *out, int32_t n);
void te_cast_s16_f32(const int16_t *in, float *out, int32_t n);
void te_cast_s32_f32(const int32_t *in, float *out, int32_t n);

#endif
