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

/* LOGISTIC / TANH int16's table step (TFLite's reference_integer_ops Logistic / Tanh): |x|
 * (INT32_MIN taken as 2^31 in uint32) >> bits indexes the 256-entry sigmoid table, the low
 * `bits` bits interpolate towards the next entry in uint32; from entry 255 on, `top`. */
TE_INLINE uint32_t te_sigmoid_lerp(int32_t x, int32_t bits, uint32_t top,
                                   const uint16_t *table) {
    const uint32_t ax = x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
    const uint32_t uh = ax >> bits;
    uint32_t r;
    if (uh >= 255u) {
        r = top;
    } else {
        const uint32_t ua = table[uh];
        const uint32_t ub = table[uh + 1u];
        r = (ua << bits) + (ax & ((1u << bits) - 1u)) * (ub - ua);
    }
    return r;
}

/* The window loops of the int16 pools (one batch; the parameters named as in
 * te_average_pool_2d_s16): per output pixel and channel, INIT, then TAP for each in-bounds
 * tap `v` (int32) in filter_y, filter_x order (padding never visited), then RESULT (an int32
 * expression) clamped to [act_min, act_max] is the output. */
#define TE_POOL_S16_LOOPS(INIT, TAP, RESULT)                                   \
    do {                                                                       \
        int32_t oy, ox, c, ky, kx;                                             \
        for (oy = 0; oy < out_h; ++oy) {                                       \
            const int32_t y0 = oy * stride_h - pad_t;                          \
            const int32_t ky0 = y0 < 0 ? -y0 : 0;                              \
            const int32_t ky1 = k_h < in_h - y0 ? k_h : in_h - y0;             \
            for (ox = 0; ox < out_w; ++ox) {                                   \
                const int32_t x0 = ox * stride_w - pad_l;                      \
                const int32_t kx0 = x0 < 0 ? -x0 : 0;                          \
                const int32_t kx1 = k_w < in_w - x0 ? k_w : in_w - x0;         \
                for (c = 0; c < c_n; ++c) {                                    \
                    INIT;                                                      \
                    for (ky = ky0; ky < ky1; ++ky) {                           \
                        for (kx = kx0; kx < kx1; ++kx) {                       \
                            const int32_t v =                                  \
                                in[((y0 + ky) * in_w + (x0 + kx)) * c_n + c];  \
                            TAP;                                               \
                        }                                                      \
                    }                                                          \
                    *out++ = (int16_t)te_clamp(RESULT, act_min, act_max);      \
                }                                                              \
            }                                                                  \
        }                                                                      \
    } while (0)

#endif /* TE_INT16_H_ */
