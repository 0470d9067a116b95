/* SIN and COS float32: TFLM's std::sin / std::cos (elementwise.cc) without libm, within a few
 * ulp. The argument is reduced in double to r = x - q pi/2, |r| <= pi/4: below 2^28 pi/2 by
 * Cody-Waite (pi/2 in a 25-bit and a 53-bit part, so q * the first is exact), above by
 * Payne-Hanek (x = m 2^e times a 96-bit window of 2/pi's bits, the integer product taken
 * modulo 4); then Taylor polynomials of sin r and cos r (error below 3e-14 on |r| <= pi/4),
 * chosen and signed by q mod 4, rounded once to float. Double is software on single-precision
 * FPUs: correct everywhere, fast nowhere; these operators are rare. */
#include "sin_cos_f32.h"
#include "te_float.h"

/* bits 1..256 of 2/pi after the binary point, most significant first */
static const uint32_t sc_two_over_pi[8] = {
    0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u,
    0xdb629599u, 0x3c439041u, 0xfe5163abu, 0xdebbc561u};

#define SC_PIO2 1.57079632679489655800e+00       /* pi/2 rounded to double */
#define SC_PIO2_1 1.57079631090164184570e+00     /* its first 25 bits */
#define SC_PIO2_1T 1.58932547735281966916e-08    /* pi/2 - SC_PIO2_1 */
#define SC_INVPIO2 6.36619772367581382433e-01    /* 2/pi */

/* x = q pi/2 + r for a finite x; returns r, q in *quadrant (any integer, used modulo 4) */
static double sc_reduce(float x, int32_t *quadrant) {
    const float ax = x < 0.0f ? -x : x;
    if (ax < 421657428.0f) {                       /* 2^28 pi/2 */
        const double d = (double)x;
        const double t = d * SC_INVPIO2;
        const int32_t q = (int32_t)(t + (t >= 0.0 ? 0.5 : -0.5));
        *quadrant = q;
        return (d - (double)q * SC_PIO2_1) - (double)q * SC_PIO2_1T;
    } else {
        /* ax = m 2^e (m 24 bits, e in [5, 104]); bits 1 .. e-2 of 2/pi only add multiples
         * of 4: take the 96 bits from e-1, W, and ax 2/pi = m W 2^-94 (mod 4) */
        const uint32_t bits = te_f2u(ax);
        const uint32_t m = (bits & 0x007fffffu) | 0x00800000u;
        const int32_t start = (int32_t)((bits >> 23) & 0xffu) - 150 - 2;   /* 0-based bit */
        uint32_t w[3];
        uint64_t p0, p1, p2, frac;
        double f;
        int32_t i, q;
        for (i = 0; i < 3; ++i) {
            const int32_t bit = start + 32 * i, word = bit >> 5, sh = bit & 31;
            w[i] = sh ? (sc_two_over_pi[word] << sh) | (sc_two_over_pi[word + 1] >> (32 - sh))
                      : sc_two_over_pi[word];
        }
        p2 = (uint64_t)m * w[2];
        p1 = (uint64_t)m * w[1] + (p2 >> 32);
        p0 = (uint64_t)m * w[0] + (p1 >> 32);      /* product bits 64..119 */
        q = (int32_t)((p0 >> 30) & 3u);           /* bits 94, 95: the integer part mod 4 */
        frac = ((p0 & 0x3fffffffu) << 34) | ((p1 & 0xffffffffu) << 2) |
               ((p2 & 0xffffffffu) >> 30);         /* bits 30..93: the fraction's top 64 */
        f = (double)frac * (1.0 / 18446744073709551616.0);
        if (f >= 0.5) {
            f -= 1.0;
            q += 1;
        }
        *quadrant = x < 0.0f ? -q : q;
        return x < 0.0f ? -f * SC_PIO2 : f * SC_PIO2;
    }
}

static double sc_sin(double r) {
    const double z = r * r;
    return r + r * z * (-1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 +
           z * (-1.0 / 39916800 + z * (1.0 / 6227020800.0))))));
}

static double sc_cos(double r) {
    const double z = r * r;
    return 1.0 + z * (-0.5 + z * (1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 +
           z * (-1.0 / 3628800 + z * (1.0 / 479001600 + z * (-1.0 / 87178291200.0)))))));
}

/* sin(x + k pi/2) for k = 0 (sine) or 1 (cosine) */
static float sc_eval(float x, int32_t k) {
    int32_t q;
    double r;
    if (!(x - x == 0.0f)) {                       /* inf or NaN */
        return x - x;
    }
    if (x == 0.0f) {                              /* sin(-0) = -0 (r + r z p would give +0) */
        return k ? 1.0f : x;
    }
    r = sc_reduce(x, &q);
    switch ((uint32_t)(q + k) & 3u) {
    case 0:
        return (float)sc_sin(r);
    case 1:
        return (float)sc_cos(r);
    case 2:
        return (float)-sc_sin(r);
    default:
        return (float)-sc_cos(r);
    }
}

void te_sin_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = sc_eval(in[i], 0);
    }
}

void te_cos_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = sc_eval(in[i], 1);
    }
}
