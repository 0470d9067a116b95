/* tinyengine-pio int16x8 kernels' shared arithmetic (kernels/int16/), bit-exact with TFLite's
 * reference kernels for 16-bit activations and 8-bit weights. */
#ifndef TE_INT16_H_
#define TE_INT16_H_

#include "te_common.h"

#define TE_INT16_MIN (-32768)
#define TE_INT16_MAX 32767

/* MultiplyByQuantizedMultiplier(int64_t x, mult, shift) (TFLite common.cc): the multiplier
 * rounded to 16 bits ((mult + 2^15) >> 16, 0x7FFF from 0x7FFF0000 up), x times it, then a
 * rounding right shift by 15 - shift; the result truncated to int32. The host guarantees
 * shift < 8 and |x| < 2^47, as TFLite asserts. */
TE_INLINE int32_t te_requant64(int64_t x, int32_t mult, int32_t shift) {
    const int64_t reduced = mult < 0x7FFF0000 ? (int64_t)((mult + (1 << 15)) >> 16) : 0x7FFF;
    const int32_t total = 15 - shift;
    return (int32_t)((x * reduced + ((int64_t)1 << (total - 1))) >> total);
}

/* LUTLookup(int16_t value, lut) (TFLite common.h) over a 513-entry LUTPopulate<int16_t>
 * table: the top 9 bits of value + 256 index it, the low 7 interpolate towards the next
 * entry (the slope truncated to int16, rounded, shifted right by 7). */
TE_INLINE int16_t te_lut16(int16_t value, const int16_t *lut) {
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    return (int16_t)(lut[index] + ((slope * offset + 64) >> 7));
}

#endif /* TE_INT16_H_ */
