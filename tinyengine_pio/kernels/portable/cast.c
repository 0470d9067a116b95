/* CAST int8 -> int16 / int32: TFLM cast.cc copyCast (static_cast of each raw value). */
#include "cast.h"
#include "te_isa.h"

void te_cast_s8_s16(const int8_t *in, int16_t *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)in[i];
    }
}

void te_cast_s8_s32(const int8_t *in, int32_t *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int32_t)in[i];
    }
}
