/* QUANTIZE: int8 -> int8, uint8 -> int8 and int8 -> uint8 (TFLM reference_ops::Requantize;
 * its same-scale "xor 0x80" fast path gives the same bytes as the general formula) and float32 -> int8 (TFLM
 * AffineQuantize). in == out allowed. Plain C without <math.h>: builds with Zephyr's minimal
 * libc, newlib, picolibc or no libc math at all. */
#include "quantize.h"
#include "te_isa.h"

void te_requantize_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                      int32_t shift, int32_t out_zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)te_clamp(te_requant(in[i] - in_zp, mult, shift) + out_zp, -128, 127);
    }
}

void te_requantize_u8_s8(const uint8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                         int32_t shift, int32_t out_zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)te_clamp(te_requant((int32_t)in[i] - in_zp, mult, shift) + out_zp,
                                  -128, 127);
    }
}

void te_requantize_s8_u8(const int8_t *in, uint8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                         int32_t shift, int32_t out_zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (uint8_t)te_clamp(te_requant(in[i] - in_zp, mult, shift) + out_zp, 0, 255);
    }
}

/* (int32_t)std::round(q) as TFLM computes it: round half away from zero, then the float ->
 * int32 conversion of the x86 build TFLM's reference runs as (cvttss2si): NaN, +-inf and
 * values outside [-2^31, 2^31) give INT32_MIN. */
static int32_t te_round_to_i32(float q) {
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

void te_quantize_f32(const float *in, int8_t *out, int32_t n, float scale, int32_t zp) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        /* TFLM: round(x / scale) + zp in int32 (two's complement wrap, as on x86), clamp */
        uint32_t v = (uint32_t)te_round_to_i32(in[i] / scale) + (uint32_t)zp;
        int32_t s = v >= 0x80000000u ? -(int32_t)(~v) - 1 : (int32_t)v;
        out[i] = (int8_t)te_clamp(s, -128, 127);
    }
}
