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

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
/* DSP helpers shared by the SIMD kernels. */
#include <arm_acle.h>
#include <string.h>
TE_INLINE uint32_t te_ld32(const int8_t *p) {   /* unaligned 32-bit load (LDR on M4/M7) */
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
TE_INLINE uint32_t te_rep4(int32_t v) {          /* v's low byte in all four bytes */
    return 0x01010101u * (uint8_t)v;
}
TE_INLINE uint32_t te_sxtb16_ror8(uint32_t x) {   /* bytes 1 and 3, sign-extended */
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
/* acc += dot(x, w) over four int8 lanes: SXTB16 / SXTB16 ROR 8, two SMLAD */
#define TE_DOT4(acc, x, w)                                                                \
    do {                                                                                  \
        (acc) = __smlad(__sxtb16(x), __sxtb16(w), (acc));                                 \
        (acc) = __smlad(te_sxtb16_ror8(x), te_sxtb16_ror8(w), (acc));                     \
    } while (0)
#endif

/* TE_FAST: the DSP kernels with host-prepared operands (int16-widened weights, requantization
 * constants); the compiler emits those arrays under the same condition, else passes NULL.
 * Unoptimized (-O0) builds take the portable path: the inline-asm loops need up to 13
 * registers, more than GCC leaves free without optimization; so must builds that keep a frame
 * pointer (-fno-omit-frame-pointer, which GCC does not announce): define TE_PORTABLE there. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && !TE_OPTIMIZE_SIZE && defined(__OPTIMIZE__) \
    && !defined(TE_PORTABLE)
#define TE_FAST 1
#define TE_FAST_ONLY(x) (x)
#else
#define TE_FAST 0
#define TE_FAST_ONLY(x) NULL
#endif

/* TE_MVE: Cortex-M55 / M85 Helium (integer MVE) kernels: the GEMMs (1x1 and im2col CONV_2D,
 * FULLY_CONNECTED) with their own host-packed operands, depthwise pixels over the DSP ones;
 * the other ops keep the DSP kernels. */
#if TE_FAST && defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define TE_MVE 1
#include <arm_mve.h>
#else
#define TE_MVE 0
#endif

#if TE_FAST
/* Requantization of acc2 = 2 * acc (the fast kernels accumulate doubled int16 operands), with
 * cc = 2^(e-1) + (out_off << e) and e = -shift, bit-exact with te_out8 when |acc2| < 2^31 and
 * 1 <= e <= 22 (the compiler checks both for every channel): te_srdhm_pos(acc, m) =
 * SMMULR(acc2, m); SMMLAR adds cc on top; TFLM's RoundingDivideByPOT(y, e) =
 * (y + 2^(e-1) - (y < 0)) >> e, where (y < 0) may be read off acc2 (same sign where y != 0,
 * and at y == 0 both round to 0 for e >= 1); cc's out_off << e adds the output offset. */
TE_INLINE int32_t te_rq_fast(int32_t acc2, int32_t m, int32_t cc, int32_t e) {
    int32_t y;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(y) : "r"(acc2), "r"(m), "r"(cc));
    return (y + (acc2 >> 31)) >> e;
}

/* Saturate to int8 (SSAT), then the activation clamp where it is narrower: clamp 0 none, 1
 * both bounds, 2 the lower bound only (hi == 127, e.g. RELU). */
TE_INLINE int8_t te_sat_fast(int32_t y, int32_t clamp, int32_t lo, int32_t hi) {
    y = __ssat(y, 8);
    if (clamp != 0) {
        y = y < lo ? lo : y;
    }
    if (clamp == 1) {
        y = y > hi ? hi : y;
    }
    return (int8_t)y;
}

TE_INLINE int32_t te_clamp_mode(int32_t lo, int32_t hi) {
    return lo == -128 && hi == 127 ? 0 : (hi == 127 ? 2 : 1);
}

/* Run CALL(clamp) with the te_sat_fast clamp mode of [lo, hi] as a constant, so each kernel
 * body is specialised: a runtime mode would cost a branch per output. */
#define TE_BY_CLAMP(lo, hi, CALL)                                                         \
    do {                                                                                  \
        if ((lo) == -128 && (hi) == 127) {                                                \
            CALL(0);                                                                      \
        } else if ((hi) == 127) {                                                         \
            CALL(2);                                                                      \
        } else {                                                                          \
            CALL(1);                                                                      \
        }                                                                                 \
    } while (0)
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
