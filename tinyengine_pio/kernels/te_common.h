/* tinyengine-pio common integer arithmetic, bit-exact with TFLite's reference kernels
 * (gemmlowp SaturatingRoundingDoublingHighMul / RoundingDivideByPOT, double rounding). */
#ifndef TE_COMMON_H_
#define TE_COMMON_H_

#include <stddef.h>
#include <stdint.h>

#include "te_config.h"   /* TE_OPTIMIZE_SIZE (written next to the model by the compiler) */

#if defined(__GNUC__)
#define TE_INLINE static inline __attribute__((always_inline))
#else
#define TE_INLINE static inline
#endif

TE_INLINE int32_t te_srdhm(int32_t a, int32_t b) {
    int64_t ab;
    int32_t nudge;
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

TE_INLINE int32_t te_rdbpot(int32_t x, int32_t exponent) {
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT for an exponent >= 0 (0: x itself). */
TE_INLINE int32_t te_sat_shl(int32_t x, int32_t exponent) {
    int32_t threshold;
    if (exponent <= 0) {
        return x;
    }
    threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* Count of leading zero bits (32 for 0), as gemmlowp's CountLeadingZeros. */
TE_INLINE int32_t te_clz32(uint32_t x) {
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        ++n;
    }
    return n;
}

/* TFLite's GetInvSqrtQuantizedMultiplierExp(input, kReverseShift = -1) (common.h): 1/sqrt(input)
 * as a multiplier and shift, gemmlowp's Newton-Raphson on Q3.28; input <= 1 gives INT32_MAX, 0.
 * Shared by L2_NORMALIZATION int8 and RSQRT int16. */
TE_INLINE void te_inv_sqrt_exp(int32_t input, int32_t *mult, int32_t *shift) {
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t out_shift = 11, pairs, half_input, x, i;
    if (input <= 1) {
        *mult = INT32_MAX;
        *shift = 0;
        return;
    }
    while (input >= (1 << 29)) {
        input /= 4;
        ++out_shift;
    }
    pairs = (te_clz32((uint32_t)input) - 1) / 2 - 1;
    out_shift -= pairs;
    input = (int32_t)((uint32_t)input << (2 * pairs));
    half_input = te_rdbpot(input >> 1, 1);
    x = 1 << 28;                                                    /* F3::One() */
    for (i = 0; i < 5; ++i) {
        const int32_t x3 = te_sat_shl(te_srdhm(te_srdhm(x, x), x), 6);   /* Rescale<3>(x^3) */
        x = te_sat_shl((int32_t)((uint32_t)te_srdhm(half_three, x) -
                                 (uint32_t)te_srdhm(half_input, x3)), 3);
    }
    x = te_srdhm(x, 1518500250);                                    /* * sqrt(2) / 2 */
    if (out_shift < 0) {
        x = (int32_t)((uint32_t)x << -out_shift);
        out_shift = 0;
    }
    *mult = x;
    *shift = -out_shift;
}

/* The loop nest of the broadcasting element-wise kernels (ADD, SUB, MUL, SQUARED_DIFFERENCE,
 * MAXIMUM, MINIMUM): the statements run once per output element in order, with x and y the two
 * int8 inputs as int32_t, and write *out++. The kernel's parameters carry the inputs a and b,
 * the loop bounds d0..d3 and the element strides a0..a3 / b0..b3 (0 = broadcast). */
#define TE_BROADCAST_4D(...) TE_BROADCAST_4D_T(int8_t, int32_t, __VA_ARGS__)

/* The same loop nest over inputs of type `in_t`, x and y read as `val_t` (the
 * kernels of the wider data types). */
#define TE_BROADCAST_4D_T(in_t, val_t, ...)                                    \
    do {                                                                       \
        int32_t i0_, i1_, i2_, i3_;                                            \
        for (i0_ = 0; i0_ < d0; ++i0_) {                                       \
            for (i1_ = 0; i1_ < d1; ++i1_) {                                   \
                for (i2_ = 0; i2_ < d2; ++i2_) {                               \
                    const in_t *pa_ = a + i0_ * a0 + i1_ * a1 + i2_ * a2;      \
                    const in_t *pb_ = b + i0_ * b0 + i1_ * b1 + i2_ * b2;      \
                    for (i3_ = 0; i3_ < d3; ++i3_) {                           \
                        const val_t x = pa_[i3_ * a3];                         \
                        const val_t y = pb_[i3_ * b3];                         \
                        __VA_ARGS__                                            \
                    }                                                          \
                }                                                              \
            }                                                                  \
        }                                                                      \
    } while (0)

/* te_srdhm for b >= 0 (every quantized multiplier): the nudge and the truncating division
 * of gemmlowp collapse to one rounding shift, floor((a * b + 2^30) / 2^31), bit for bit (the
 * saturating case a == b == INT32_MIN cannot occur). SMULL, ADDS/ADC and two shifts on M4. */
TE_INLINE int32_t te_srdhm_pos(int32_t a, int32_t b) {
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* MultiplyByQuantizedMultiplier(x, mult, shift): shift > 0 is a left shift; mult >= 0. */
TE_INLINE int32_t te_requant(int32_t x, int32_t mult, int32_t shift) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    return te_rdbpot(te_srdhm_pos((int32_t)((uint32_t)x << left), mult), right);
}

TE_INLINE int32_t te_clamp(int32_t x, int32_t lo, int32_t hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

/* Requantize an int32 accumulator to int8 with output offset and clamp. */
TE_INLINE int8_t te_out8(int32_t acc, int32_t mult, int32_t shift, int32_t out_off,
                         int32_t act_min, int32_t act_max) {
    return (int8_t)te_clamp(te_requant(acc, mult, shift) + out_off, act_min, act_max);
}

TE_INLINE void te_copy(int8_t *dst, const int8_t *src, int32_t n) {
    int32_t i;
    if (dst == src) {
        return;
    }
    for (i = 0; i < n; ++i) {
        dst[i] = src[i];
    }
}

/* TE_FAST: the DSP kernels with host-prepared operands (int16-widened weights, requantization
 * constants); the compiler emits those arrays and calls under the same condition.
 * Unoptimized (-O0) builds take the portable path: the inline-asm loops need up to 13
 * registers, more than GCC leaves free without optimization; so must builds that keep a frame
 * pointer (-fno-omit-frame-pointer, which GCC does not announce): define TE_PORTABLE there
 * (register contract: dsp/te_asm.h). Kernel code selects its ISA through te_isa.h. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && !TE_OPTIMIZE_SIZE && defined(__OPTIMIZE__) \
    && !defined(TE_PORTABLE)
#define TE_FAST 1
#else
#define TE_FAST 0
#endif

/* TE_MVE: Cortex-M55 / M85 Helium (integer MVE) kernels: the GEMMs (1x1 and im2col CONV_2D,
 * FULLY_CONNECTED) with their own host-packed operands, depthwise pixels over the DSP ones;
 * the other ops keep the DSP kernels. */
#if TE_FAST && defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define TE_MVE 1
#else
#define TE_MVE 0
#endif

/* Debug guard words around the arena: filled on first use, then checked. 0 = intact. */
static inline int te_canary_check(int8_t *base, int32_t guard, int32_t arena_bytes) {
    static const uint8_t pattern[8] = {0xDE, 0xAD, 0xBE, 0xEF, 0x5A, 0xA5, 0xC3, 0x3C};
    int8_t *tail = base + guard + arena_bytes;
    int32_t i;
    if (base[0] == 0 && tail[guard - 1] == 0) {     /* .bss: not armed yet */
        for (i = 0; i < guard; ++i) {
            base[i] = (int8_t)pattern[i % 8];
            tail[i] = (int8_t)pattern[i % 8];
        }
        return 0;
    }
    for (i = 0; i < guard; ++i) {
        if (base[i] != (int8_t)pattern[i % 8] || tail[i] != (int8_t)pattern[i % 8]) {
            return -1;
        }
    }
    return 0;
}

#endif /* TE_COMMON_H_ */
