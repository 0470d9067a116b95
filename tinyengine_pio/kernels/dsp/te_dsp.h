/* Cortex-M DSP extension helpers (ACLE), included through te_isa.h wherever __ARM_FEATURE_DSP
 * is set: the helpers of the dsp/ kernels, and the SIMD inner loops that the portable kernels
 * of gemm.c, conv_2d.c and depthwise_conv_2d.c run in any DSP build (--optimize size too;
 * te_isa.h defines them as nothing elsewhere). The inline asm is in te_asm.h. */
#ifndef TE_DSP_H_
#define TE_DSP_H_

#include <arm_acle.h>
#include <string.h>

#include "te_asm.h"
#include "te_common.h"

TE_INLINE uint32_t te_ld32(const int8_t *p) {   /* unaligned 32-bit load (LDR on M4/M7) */
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
TE_INLINE uint32_t te_rep4(int32_t v) {          /* v's low byte in all four bytes */
    return 0x01010101u * (uint8_t)v;
}
TE_INLINE uint32_t te_rep2(int32_t v) {          /* v's low halfword in both halfwords */
    return ((uint32_t)(uint16_t)v << 16) | (uint16_t)v;
}
/* nblk blocks of four int8 at src as doubled int16 in SXTB16 order (x0, x2), (x1, x3): two
 * words a block, step / 2 words apart, blocks `step` words apart (the interleaved GEMM
 * columns, gemm.c te_widen_s8). */
TE_INLINE void te_widen_blocks(const int8_t *src, int32_t nblk, uint32_t *dst, int32_t step) {
    const int32_t half = step >> 1;
    int32_t i;
    for (i = 0; i < nblk; ++i, src += 4, dst += step) {
        const uint32_t v = te_ld32(src);
        const uint32_t e = __sxtb16(v), o = te_sxtb16_ror8(v);
        dst[0] = __sadd16(e, e);
        dst[half] = __sadd16(o, o);
    }
}
/* acc += dot(x, w) over four int8 lanes: SXTB16 / SXTB16 ROR 8, two SMLAD */
#define TE_DOT4(acc, x, w)                                                                \
    do {                                                                                  \
        (acc) = __smlad(__sxtb16(x), __sxtb16(w), (acc));                                 \
        (acc) = __smlad(te_sxtb16_ror8(x), te_sxtb16_ror8(w), (acc));                     \
    } while (0)

/* ---- SIMD inner loops of the portable kernels ---------------------------------------------
 * te_gemm_pair: rows w0, w1 (both valid when two_c) times columns a and b (b may be NULL)
 * four k at a time from k; the scalar loop after it finishes the k_len % 4 rest. */
#define TE_SIMD_GEMM_PAIR(a, b, w0, w1, two_c, k_len, k, a0, a1, b0, b1)                  \
    do {                                                                                  \
        if ((b) != 0 && (two_c)) {                                                        \
            for (; (k) + 4 <= (k_len); (k) += 4) {                                        \
                const uint32_t va = te_ld32((a) + (k)), vb = te_ld32((b) + (k));          \
                const uint32_t v0 = te_ld32((w0) + (k)), v1 = te_ld32((w1) + (k));        \
                TE_DOT4(a0, va, v0);                                                      \
                TE_DOT4(a1, va, v1);                                                      \
                TE_DOT4(b0, vb, v0);                                                      \
                TE_DOT4(b1, vb, v1);                                                      \
            }                                                                             \
        } else if (two_c) {    /* one column (FULLY_CONNECTED, odd last pixel) */          \
            for (; (k) + 4 <= (k_len); (k) += 4) {                                        \
                const uint32_t va = te_ld32((a) + (k));                                   \
                TE_DOT4(a0, va, te_ld32((w0) + (k)));                                     \
                TE_DOT4(a1, va, te_ld32((w1) + (k)));                                     \
            }                                                                             \
        }                                                                                 \
    } while (0)

/* te_conv_2d_s8: the input offset in both int16 lanes (a declaration), then one tap's
 * channels four at a time from ic: acc += (x + in_off) * w in int16 lanes. */
#define TE_SIMD_CONV_DECL(off2, in_off)                                                   \
    const uint32_t off2 = ((uint32_t)(uint16_t)(in_off) << 16) | (uint16_t)(in_off);
#define TE_SIMD_CONV_TAPS(px, wp, f_c, ic, off2, acc)                                     \
    for (; (ic) + 4 <= (f_c); (ic) += 4) {   /* (x + in_off) in int16 lanes */             \
        const uint32_t x = te_ld32((px) + (ic)), v = te_ld32((wp) + (ic));                \
        (acc) = __smlad(__sadd16(__sxtb16(x), off2), __sxtb16(v), (acc));                 \
        (acc) = __smlad(__sadd16(te_sxtb16_ror8(x), off2), te_sxtb16_ror8(v), (acc));     \
    }

/* depthwise te_dw_core, one output pixel: channels four at a time from c (the scalar loop
 * after it does the rest). Expands inside te_dw_core and reads its locals (in, in_w,
 * in_pitch, n, w, w_pitch, bias, bias_full, k_h, k_w, dil_h, dil_w, iy0, ix0, ky0..kx1, po,
 * c, ky, kx, in_off, out_off, mult, shift, act_min, act_max). An interior 3x3 (every tap
 * valid) takes the folded bias_full and nine unrolled taps (not with TE_OPTIMIZE_SIZE); else
 * SXTB16 splits even/odd channels into int16 lanes, SADD16 adds the input offset and
 * SMLABB / SMLATT accumulate each lane. */
#define TE_DW_TAP(px, t)                                                                  \
    do {                                                                                  \
        const uint32_t x_ = te_ld32(px), v_ = te_ld32(wp + (t) * w_pitch);                \
        const uint32_t xe_ = __sxtb16(x_), xo_ = te_sxtb16_ror8(x_);                      \
        const uint32_t we_ = __sxtb16(v_), wo_ = te_sxtb16_ror8(v_);                      \
        a0 = __smlabb(xe_, we_, a0);                                                      \
        a2 = __smlatt(xe_, we_, a2);                                                      \
        a1 = __smlabb(xo_, wo_, a1);                                                      \
        a3 = __smlatt(xo_, wo_, a3);                                                      \
    } while (0)
#define TE_DW_OUT4()                                                                      \
    do {                                                                                  \
        po[c] = te_out8(a0, mult[c], shift[c], out_off, act_min, act_max);                \
        po[c + 1] = te_out8(a1, mult[c + 1], shift[c + 1], out_off, act_min, act_max);    \
        po[c + 2] = te_out8(a2, mult[c + 2], shift[c + 2], out_off, act_min, act_max);    \
        po[c + 3] = te_out8(a3, mult[c + 3], shift[c + 3], out_off, act_min, act_max);    \
    } while (0)
#define TE_SIMD_DW_CORE()                                                                 \
    if (!TE_OPTIMIZE_SIZE && k_h == 3 && k_w == 3 && dil_h == 1 && dil_w == 1 &&          \
        ky0 == 0 && ky1 == 3 && kx0 == 0 && kx1 == 3) {                                   \
        const int32_t row = in_w * in_pitch;                                              \
        for (; c + 4 <= n; c += 4) {                                                      \
            const int8_t *r0 = in + (iy0 * in_w + ix0) * in_pitch + c;                    \
            const int8_t *wp = w + c;                                                     \
            int32_t a0 = bias_full[c], a1 = bias_full[c + 1];                             \
            int32_t a2 = bias_full[c + 2], a3 = bias_full[c + 3];                         \
            TE_DW_TAP(r0, 0);                                                             \
            TE_DW_TAP(r0 + in_pitch, 1);                                                  \
            TE_DW_TAP(r0 + 2 * in_pitch, 2);                                              \
            TE_DW_TAP(r0 + row, 3);                                                       \
            TE_DW_TAP(r0 + row + in_pitch, 4);                                            \
            TE_DW_TAP(r0 + row + 2 * in_pitch, 5);                                        \
            TE_DW_TAP(r0 + 2 * row, 6);                                                   \
            TE_DW_TAP(r0 + 2 * row + in_pitch, 7);                                        \
            TE_DW_TAP(r0 + 2 * row + 2 * in_pitch, 8);                                    \
            TE_DW_OUT4();                                                                 \
        }                                                                                 \
    }                                                                                     \
    {                                                                                     \
        const uint32_t off2 = ((uint32_t)(uint16_t)in_off << 16) | (uint16_t)in_off;      \
        for (; c + 4 <= n; c += 4) {                                                      \
            int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];   \
            for (ky = ky0; ky < ky1; ++ky) {                                              \
                const int8_t *row = in + ((iy0 + dil_h * ky) * in_w + ix0) * in_pitch + c; \
                const int8_t *wr = w + ky * k_w * w_pitch + c;                            \
                for (kx = kx0; kx < kx1; ++kx) {                                          \
                    const uint32_t x = te_ld32(row + dil_w * kx * in_pitch);              \
                    const uint32_t v = te_ld32(wr + kx * w_pitch);                        \
                    const uint32_t xe = __sadd16(__sxtb16(x), off2);                      \
                    const uint32_t xo = __sadd16(te_sxtb16_ror8(x), off2);                \
                    const uint32_t we = __sxtb16(v), wo = te_sxtb16_ror8(v);              \
                    a0 = __smlabb(xe, we, a0);                                            \
                    a2 = __smlatt(xe, we, a2);                                            \
                    a1 = __smlabb(xo, wo, a1);                                            \
                    a3 = __smlatt(xo, wo, a3);                                            \
                }                                                                         \
            }                                                                             \
            TE_DW_OUT4();                                                                 \
        }                                                                                 \
    }

#if TE_FAST
/* ---- Helpers of the TE_FAST kernels (host-packed operands, te_rq_fast requantization) ---- */

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
#endif /* TE_FAST */

#endif /* TE_DSP_H_ */
