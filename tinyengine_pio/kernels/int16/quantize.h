#ifndef TE_QUANTIZE_S16_H_
#define TE_QUANTIZE_S16_H_
#include <stdint.h>

#include "te_int16.h"

/* QUANTIZE between integer types with int16 on one side:
 * te_requantize_<in>_<out>(in, out, n, in_zp, mult, shift, out_zp). */
#define TE_REQUANTIZE_S16_DECL(name, in_t, out_t)                                          \
    void name(const in_t *in, out_t *out, int32_t n, int32_t in_zp, int32_t mult,          \
              int32_t shift, int32_t out_zp)

TE_REQUANTIZE_S16_DECL(te_requantize_s16_s8, int16_t, int8_t);
TE_REQUANTIZE_S16_DECL(te_requantize_s16_s16, int16_t, int16_t);
TE_REQUANTIZE_S16_DECL(te_requantize_s16_s32, int16_t, int32_t);
TE_REQUANTIZE_S16_DECL(te_requantize_s8_s16, int8_t, int16_t);
TE_REQUANTIZE_S16_DECL(te_requantize_s32_s16, int32_t, int16_t);

#endif
