#ifndef TE_GEMM_H_
#define TE_GEMM_H_
#include <stdint.h>

/* oa[r] = requant(bias[r] + dot(a, w[r])), ob likewise for column b (skipped when b is NULL),
 * for r < out_c; w is out_c rows of k_len int8. */
void te_gemm_pair(const int8_t *a, const int8_t *b, int32_t k_len, const int8_t *w,
                  const int32_t *bias, int8_t *oa, int8_t *ob, int32_t out_c, int32_t out_off,
                  const int32_t *mult, const int32_t *shift, int32_t act_min, int32_t act_max);

#include "te_common.h"
#if TE_FAST
/* One 2x2 block of four k (16 MACs) from int8 columns, 19 instructions: rows r0/r1 of the
 * packed pair (wp), column b's word at address B, then column a's at A (asm operand strings:
 * interleaved columns or two tap pointers); sums not doubled. */
#define TE_MAC2X2_S8_AT(B, A)                                                             \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                                                  \
    "sxtb16 %[t0], %[w0]\n\t"                                                             \
    "sxtb16 %[w0], %[w0], ror #8\n\t"                                                     \
    "sxtb16 %[t1], %[w1]\n\t"                                                             \
    "sxtb16 %[w1], %[w1], ror #8\n\t"                                                     \
    "ldr %[x1], " B "\n\t"                                                                \
    "sxtb16 %[x0], %[x1]\n\t"                                                             \
    "sxtb16 %[x1], %[x1], ror #8\n\t"                                                     \
    "smlad %[b0], %[t0], %[x0], %[b0]\n\t"                                                \
    "smlad %[b0], %[w0], %[x1], %[b0]\n\t"                                                \
    "smlad %[b1], %[t1], %[x0], %[b1]\n\t"                                                \
    "smlad %[b1], %[w1], %[x1], %[b1]\n\t"                                                \
    "ldr %[x1], " A "\n\t"                                                                \
    "sxtb16 %[x0], %[x1]\n\t"                                                             \
    "sxtb16 %[x1], %[x1], ror #8\n\t"                                                     \
    "smlad %[a0], %[t0], %[x0], %[a0]\n\t"                                                \
    "smlad %[a0], %[w0], %[x1], %[a0]\n\t"                                                \
    "smlad %[a1], %[t1], %[x0], %[a1]\n\t"                                                \
    "smlad %[a1], %[w1], %[x1], %[a1]\n\t"

/* Asm pieces of the requantizing epilogues (te_rq_fast and te_sat_fast in registers): one
 * row's {m, cc, e} from P (post-incremented) into the ascending M, C, E; the doubled sum A
 * requantized through T (may be M) and saturated into DST; every byte of V clamped against a
 * bound repeated in every byte (SSUB8 sets the GE flags, G takes the difference, SEL picks). */
#define TE_RQ_LDM(P, M, C, E) "ldm " P "!, {" M ", " C ", " E "}\n\t"
#define TE_RQ_SAT(T, M, C, E, A, DST)                                                     \
    "smmlar " T ", " A ", " M ", " C "\n\t"                                               \
    "add " T ", " T ", " A ", asr #31\n\t"                                                \
    "asr " T ", " T ", " E "\n\t"                                                         \
    "ssat " DST ", #8, " T "\n\t"
#define TE_CLAMP_LO(V, LO, G) "ssub8 " G ", " V ", " LO "\n\tsel " V ", " V ", " LO "\n\t"
#define TE_CLAMP_HI(V, HI, G) "ssub8 " G ", " HI ", " V "\n\tsel " V ", " V ", " HI "\n\t"

/* Requantize the doubled sums of rows r, r+1 (rq: their {m, cc, e}, one LDM a row) for
 * columns a and b, saturate, pack each column's two bytes (BFI), clamp (mode as te_sat_fast)
 * both bytes at once against bounds {lo, hi} repeated in every byte and store them with one
 * STRH each (ob == oa for a lone column stores the same bytes twice). */
#define TE_RQ_PAIR(A, B)                                                                  \
    TE_RQ_LDM("%[r]", "%[m]", "%[c]", "%[e]")                                             \
    TE_RQ_SAT("%[t]", "%[m]", "%[c]", "%[e]", "%[" B "]", "%[" B "]")                     \
    TE_RQ_SAT("%[m]", "%[m]", "%[c]", "%[e]", "%[" A "]", "%[" A "]")
#define TE_LO2(V) TE_CLAMP_LO("%[" V "]", "%[m]", "%[e]")
#define TE_HI2(V) TE_CLAMP_HI("%[" V "]", "%[c]", "%[e]")
#define TE_RQ2X2(CLAMP)                                                                   \
    __asm__ volatile(TE_RQ_PAIR("a0", "b0") TE_RQ_PAIR("a1", "b1")                       \
                     "bfi %[a0], %[a1], #8, #8\n\tbfi %[b0], %[b1], #8, #8\n\t" CLAMP       \
                     "strh %[a0], [%[oa]]\n\t"                                             \
                     "strh %[b0], [%[ob]]\n\t"                                             \
                     : [r] "+r"(rq), [m] "=&r"(m), [c] "=&r"(c), [e] "=&r"(e), [t] "=&r"(t), \
                       [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1)         \
                     : [oa] "r"(oa), [ob] "r"(ob), [bnd] "r"(bounds)                      \
                     : "cc", "memory")
TE_INLINE void te_rq2x2_store(int32_t a0, int32_t a1, int32_t b0, int32_t b1,
                              const int32_t *rq, int8_t *oa, int8_t *ob, int32_t clamp,
                              const uint32_t bounds[2]) {
    register int32_t m __asm__("r8");   /* ascending, for the LDM */
    register int32_t c __asm__("r9");
    register int32_t e __asm__("r10");
    int32_t t;
    if (clamp == 0) {
        TE_RQ2X2("");
    } else if (clamp == 2) {
        TE_RQ2X2("ldr %[m], [%[bnd]]\n\t" TE_LO2("a0") TE_LO2("b0"));
    } else {
        TE_RQ2X2("ldrd %[m], %[c], [%[bnd]]\n\t" TE_LO2("a0") TE_LO2("b0") TE_HI2("a0")
                 TE_HI2("b0"));
    }
}

/* TE_FAST building blocks (see gemm.c): doubled int16 columns, host-packed weights. */
void te_widen_s8(const int8_t *src, int32_t n, uint32_t *dst, int32_t step);
void te_fill_s16(uint32_t *dst, int32_t nblk, int32_t value, int32_t step);
void te_gemm2x2_fast(const uint32_t *cols, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo, int32_t hi);
void te_gemm2x2_s8_fast(const int8_t *cols, int32_t nblk, const uint32_t *wp,
                        const int32_t *rq, int8_t *oa, int8_t *ob, int32_t out_c, int32_t lo,
                        int32_t hi);
void te_gemm2x1_fast(const int8_t *x, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                     int8_t *out, int32_t out_c, int32_t lo, int32_t hi);
void te_gemv4_fast(const uint32_t *col, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                   int8_t *out, int32_t units, int32_t lo, int32_t hi);
void te_gemv4_s8_fast(const int8_t *x, int32_t nblk, const uint32_t *wp, const int32_t *rq,
                      int8_t *out, int32_t units, int32_t lo, int32_t hi);
#endif
#if TE_MVE
void te_gemm_mve(const int8_t *x, int32_t pixels, int32_t k, const int8_t *w,
                 const int32_t *rq, int8_t *out, int32_t rows, int32_t lo, int32_t hi);
#endif

#endif
