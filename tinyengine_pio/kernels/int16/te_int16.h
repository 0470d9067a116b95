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

#endif /* TE_INT16_H_ */
