/* CAST float32 <-> int8 / int16 / int32 (and float32 -> float32, a copy): TFLM cast.cc
 * copyCast, std::transform of static_cast<ToT> over the elements, here a C cast each. */
#include "cast_f32.h"

#define TE_CAST_LOOP(to_t)                  \
    int32_t i;                              \
    for (i = 0; i < n; ++i) {               \
        out[i] = (to_t)in[i];               \
    }

void te_cast_f32_s8(const float *in, int8_t *out, int32_t n) { TE_CAST_LOOP(int8_t) }
void te_cast_f32_s16(const float *in, int16_t *out, int32_t n) { TE_CAST_LOOP(int16_t) }
void te_cast_f32_s32(const float *in, int32_t *out, int32_t n) { TE_CAST_LOOP(int32_t) }
void te_cast_f32_f32(const float *in, float *out, int32_t n) { TE_CAST_LOOP(float) }
void te_cast_s8_f32(const int8_t *in, float *out, int32_t n) { TE_CAST_LOOP(float) }
void te_cast_s16_f32(const int16_t *in, float *out, int32_t n) { TE_CAST_LOOP(float) }
void te_cast_s32_f32(const int32_t *in, float *out, int32_t n) { TE_CAST_LOOP(float) }
