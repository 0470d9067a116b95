/* tinyengine-pio float32 helpers shared by the float kernels (kernels/float32/<stem>.c).
 *
 * No libm: Zephyr's minimal libc has none, and a bare PlatformIO build need not link it. The
 * elementary functions are accurate to a few ulp (TFLM's std::exp / std::log / std::tanh are
 * correctly rounded or nearly, so results agree to rtol 1e-6, well inside the 1e-4 the float
 * checks allow); sqrt is the FPU's (correctly rounded, as std::sqrt) where the core has one.
 * Build float kernels with -ffp-contract=off (the generated build flags do): a fused
 * multiply-add would round differently from TFLM's separate multiply and add. */
#ifndef TE_FLOAT_H_
#define TE_FLOAT_H_

#include <stdint.h>

/* The generated build flags say -ffp-contract=off; this keeps a build that forgets it
 * (another IDE, a hand-written Makefile) from fusing multiply-adds in the float kernels. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "te_common.h"

#define TE_FLT_MAX 3.40282347e+38f

/* TFLM's ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi), NaN passes through. */
TE_INLINE float te_clampf(float x, float lo, float hi) {
    float y = (x < lo) ? lo : x;
    return (hi < y) ? hi : y;
}

TE_INLINE float te_maxf(float a, float b) { return (a < b) ? b : a; }   /* std::max */
TE_INLINE float te_minf(float a, float b) { return (b < a) ? b : a; }   /* std::min */

TE_INLINE uint32_t te_f2u(float x) {
    union { float f; uint32_t u; } v;
    v.f = x;
    return v.u;
}

TE_INLINE float te_u2f(uint32_t x) {
    union { float f; uint32_t u; } v;
    v.u = x;
    return v.f;
}

TE_INLINE float te_inff(void) { return te_u2f(0x7f800000u); }

/* (int32_t)std::round(q) as TFLM's AffineQuantize computes it on the x86 build its reference
 * runs: round half away from zero, then cvttss2si (NaN, +-inf and values outside
 * [-2^31, 2^31) give INT32_MIN). */
TE_INLINE int32_t te_round_i32f(float q) {
    int32_t t;
    float frac;
    if (q > -8388608.0f && q < 8388608.0f) {   /* |q| < 2^23: may have a fraction */
        t = (int32_t)q;                        /* truncation toward zero, exact */
        frac = q - (float)t;                   /* exact: |frac| < 1, same sign as q */
        if (frac >= 0.5f) {
            ++t;
        } else if (frac <= -0.5f) {
            --t;
        }
        return t;
    }
    if (q >= -2147483648.0f && q < 2147483648.0f) {
        return (int32_t)q;                     /* an integer already */
    }
    return INT32_MIN;                          /* NaN, inf, out of range */
}

/* x * 2^k for k in [-300, 300] (exact, incl. subnormal results, one rounding at most). */
TE_INLINE float te_ldexpf(float x, int k) {
    while (k > 127) { x *= te_u2f(0x7f000000u); k -= 127; }          /* 2^127 */
    while (k < -126) { x *= te_u2f(0x00800000u); k += 126; }         /* 2^-126 */
    return x * te_u2f((uint32_t)(k + 127) << 23);
}

/* e^x: x = k ln2 + r with |r| <= ln2 / 2 (Cody-Waite, ln2 in two parts), e^r by its
 * degree-7 Taylor polynomial (relative error < 2e-8 there), then scaled by 2^k. */
TE_INLINE float te_expf(float x) {
    float kf, r, p;
    int k;
    if (x != x) {
        return x;
    }
    if (x > 88.7228394f) {
        return te_inff();
    }
    if (x < -104.0f) {
        return 0.0f;
    }
    kf = x * 1.44269504f;
    k = (int)(kf + (kf >= 0.0f ? 0.5f : -0.5f));
    r = x - (float)k * 0.693145752f;
    r = r - (float)k * 1.42860677e-06f;
    p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666667f + r * (0.0416666667f +
        r * (0.00833333333f + r * (0.00138888889f + r * 0.000198412698f))))));
    return te_ldexpf(p, k);
}

/* log(x): x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m-1)/(m+1). */
TE_INLINE float te_logf(float x) {
    uint32_t u;
    int e;
    float m, s, s2, p;
    if (x != x || x < 0.0f) {
        return te_u2f(0x7fc00000u);
    }
    if (x == 0.0f) {
        return -te_inff();
    }
    if (x == te_inff()) {
        return x;
    }
    e = 0;
    if (x < te_u2f(0x00800000u)) {          /* subnormal: scale into the normal range */
        x *= 16777216.0f;
        e = -24;
    }
    u = te_f2u(x);
    e += (int)((u >> 23) & 0xff) - 127;
    m = te_u2f((u & 0x007fffffu) | 0x3f800000u);
    if (m > 1.41421356f) {
        m *= 0.5f;
        e += 1;
    }
    s = (m - 1.0f) / (m + 1.0f);
    s2 = s * s;
    p = 2.0f * s * (1.0f + s2 * (0.333333333f + s2 * (0.2f + s2 * (0.142857143f +
        s2 * 0.111111111f))));
    return (float)e * 0.693145752f + ((float)e * 1.42860677e-06f + p);
}

/* tanh(x) = sign(x) (1 - 2 / (e^2|x| + 1)); its Taylor series near 0, where that cancels. */
TE_INLINE float te_tanhf(float x) {
    float a = x < 0.0f ? -x : x, t;
    if (x != x) {
        return x;
    }
    if (a < 0.0625f) {
        float x2 = x * x;
        return x * (1.0f + x2 * (-0.333333333f + x2 * (0.133333333f + x2 * -0.0539682540f)));
    }
    if (a > 9.5f) {
        t = 1.0f;
    } else {
        t = 1.0f - 2.0f / (te_expf(2.0f * a) + 1.0f);
    }
    return x < 0.0f ? -t : t;
}

/* sqrt: the FPU's vsqrt.f32 (correctly rounded) on cores with a single-precision FPU; else
 * Newton's iteration in double from a bit-level estimate, rounded once to float. */
TE_INLINE float te_sqrtf(float x) {
#if defined(__ARM_FP) && (__ARM_FP & 4) && !defined(TE_NO_FPU_ASM)
    float r;                 /* the FPU's instruction (GCC's builtin would keep a libm call */
    __asm__("vsqrt.f32 %0, %1" : "=t"(r) : "t"(x));     /* for errno on negative inputs) */
    return r;
#else
    double d, y, scale = 1.0;
    int i;
    if (x != x || x < 0.0f) {
        return te_u2f(0x7fc00000u);
    }
    if (x == 0.0f || x == te_inff()) {
        return x;
    }
    if (x < te_u2f(0x00800000u)) {      /* subnormal: sqrt(x 2^24) 2^-12, the estimate stays near */
        x *= 16777216.0f;
        scale = 1.0 / 4096.0;
    }
    d = (double)x;
    y = (double)te_u2f((te_f2u(x) >> 1) + 0x1fc00000u);
    for (i = 0; i < 8; i++) {
        y = 0.5 * (y + d / y);
    }
    return (float)(y * scale);
#endif
}

/* std::floor and std::ceil, exact: |x| >= 2^23, inf and NaN are integral already (returned
 * as they are); else the truncation toward zero, moved one down (up) where it lies above
 * (below) x; a zero result takes x's sign (floor(-0) = -0, ceil(-0.5) = -0). */
TE_INLINE float te_floorf(float x) {
    float t;
    if (!(x > -8388608.0f && x < 8388608.0f)) {
        return x;
    }
    t = (float)(int32_t)x;
    if (t > x) {
        t -= 1.0f;
    }
    return t == 0.0f ? te_u2f(te_f2u(x) & 0x80000000u) : t;
}

TE_INLINE float te_ceilf(float x) {
    float t;
    if (!(x > -8388608.0f && x < 8388608.0f)) {
        return x;
    }
    t = (float)(int32_t)x;
    if (t < x) {
        t += 1.0f;
    }
    return t == 0.0f ? te_u2f(te_f2u(x) & 0x80000000u) : t;
}

/* The window loops of the float32 pools (the parameters named as in te_average_pool_2d_f32):
 * per batch and output pixel the window clipped to the input, rows [y0, y1) and columns
 * [x0, x1), then PIXEL; per channel INIT, TAP for each tap `v` in filter_y, filter_x order,
 * then RESULT (a float expression) clamped to [lo, hi] is the output. */
#define TE_POOL_F32_LOOPS(PIXEL, INIT, TAP, RESULT)                            \
    do {                                                                       \
        int32_t b, oy, ox, ch, y, x;                                           \
        for (b = 0; b < batches; ++b) {                                        \
            const float *img = in + b * in_h * in_w * c;                       \
            for (oy = 0; oy < out_h; ++oy) {                                   \
                const int32_t iy0 = oy * stride_h - pad_t;                     \
                const int32_t y0 = iy0 < 0 ? 0 : iy0;                          \
                const int32_t y1 = iy0 + k_h < in_h ? iy0 + k_h : in_h;        \
                for (ox = 0; ox < out_w; ++ox) {                               \
                    const int32_t ix0 = ox * stride_w - pad_l;                 \
                    const int32_t x0 = ix0 < 0 ? 0 : ix0;                      \
                    const int32_t x1 = ix0 + k_w < in_w ? ix0 + k_w : in_w;    \
                    PIXEL;                                                     \
                    for (ch = 0; ch < c; ++ch) {                               \
                        INIT;                                                  \
                        for (y = y0; y < y1; ++y) {                            \
                            const float *row = img + y * in_w * c + ch;        \
                            for (x = x0; x < x1; ++x) {                        \
                                const float v = row[x * c];                    \
                                TAP;                                           \
                            }                                                  \
                        }                                                      \
                        *out++ = te_clampf(RESULT, lo, hi);                    \
                    }                                                          \
                }                                                              \
            }                                                                  \
        }                                                                      \
    } while (0)

#endif /* TE_FLOAT_H_ */
