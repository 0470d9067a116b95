/* Every inline-asm piece of the SIMD kernels, in one place (the C around them is in
 * dsp/<op>.c and mve/<op>.c; dsp/te_dsp.h has the ACLE helpers).
 *
 * Register contract. GCC gives an asm statement only the registers it has not reserved; on
 * Thumb-2 that is r0-r12 and lr (sp and pc never), minus r7 when a frame pointer is kept
 * (-O0, -fno-omit-frame-pointer, a variable-length array). The largest statements need:
 *   TE_GEMM2X2_LOOP      13 registers (4 sums, xp, wp, end, 6 temporaries), flags, memory
 *   TE_GEMM2X4_LOOP      14 registers + the loop end in memory: every one but sp and pc
 *                        (8 sums, xp, wp, 4 temporaries), flags, memory
 *   TE_GEMM2X2_TAP_LOOP  13 registers (as above, two tap pointers), flags, memory
 *   TE_GEMV4_QUADS       13 registers + lr: every one but sp and pc; w0..w3 pinned to r8-r11
 *                        (ascending, for LDM); its loop state lives in memory operands
 *   TE_GEMM2X1_LOOP      10 registers, flags, memory
 *   TE_GEMM4X1_W16_LOOP  11 registers, flags, memory
 *   TE_RQ2X2             9 registers, m/c/e pinned to r8-r10 (ascending, for LDM), flags,
 *                        memory (two STRH)
 *   TE_RQ2X4             13 registers, m/c/e pinned to r8-r10, flags, memory (loads only)
 *   TE_GEMM2X4_PAIRS     14 registers + lr-free loop state in memory: every one but sp and
 *                        pc; x0, x1, w pinned to r8-r10 (ascending, for LDM)
 *   TE_REGS_ROWS         14 registers: every one but sp and pc (x0..x5, the record and
 *                        output pointers, the end, t; a, w, v, e pinned to r8-r11 for LDM)
 *   TE_DW3_ASM           10 registers, memory (loads only)
 *   TE_DW3_GROUPS        14 registers: every one but sp and pc (the end, bounds in memory)
 *   TE_DW3_ROW_PIXELS    14 registers, as TE_DW3_GROUPS (and the steps, w0 in memory)
 *   TE_DW_RING_S1        14 registers: every one but sp and pc (b2 and the end in memory)
 *   TE_DW_RING_S2        14 registers, as TE_DW_RING_S1 (and taps w4, w5 in memory)
 *   TE_MVE_GEMV4_LOOP    a0..a3 pinned to r0, r2, r4, r6 (VMLADAVA wants even registers),
 *                        xp, wp; clobbers q0, q1, lr (DLSTP / LETP)
 *   TE_DW3_MVE_ASM       3 q registers + 3 offset vectors, p, w (a low register: VLDRH)
 * so a build that keeps a frame pointer cannot compile them: it must define TE_PORTABLE,
 * which turns TE_FAST (and TE_MVE) off (te_common.h); unoptimized builds (-O0) do so
 * automatically. Callers that need a frame pointer themselves call these pieces through a
 * noinline function (te_implicit_pair_call in dsp/conv_2d.c).
 * Flags: the pieces that compare or SSUB8 clobber "cc"; SSUB8 / SEL use the GE flags. */
#ifndef TE_ASM_H_
#define TE_ASM_H_

#include "te_common.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
TE_INLINE uint32_t te_sxtb16_ror8(uint32_t x) {   /* bytes 1 and 3, sign-extended */
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
TE_INLINE uint32_t te_sxtab16_ror8(uint32_t acc, uint32_t x) {   /* acc + bytes 1 and 3 */
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(x));
    return r;
}
TE_INLINE uint32_t te_pkhbt16(int32_t lo, int32_t hi) {   /* lo's low halfword, hi's above */
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
    return r;
}
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

/* ---- GEMM blocks (layouts/gemm.py: rows packed in pairs or quads) ----------------------------
 * A block is four k. Row pairs (pack_rows / pack_rows16 in pairs) hold per block the two rows'
 * (k0, k2) lanes, then their (k1, k3) lanes: int8 words [r0k0 r1k0 r0k2 r1k2] [r0k1 r1k1 r0k3
 * r1k3], whose SXTB16 / SXTB16 ROR 8 give row r0's / r1's int16 pair, or int16 pairs
 * (r0: k0 k2) (r1: k0 k2) (r0: k1 k3) (r1: k1 k3). The doubled int16 columns (te_widen_s8) hold
 * per block every column's (k0, k2) word, then every column's (k1, k3) word: one LDRD of two
 * columns' words meets both rows' weights. */

/* The two rows' weights of an int8 pair block (the words in w0, w1) as t0 = r0 (k0 k2),
 * t1 = r1 (k0 k2), w0 = r0 (k1 k3), w1 = r1 (k1 k3). */
#define TE_PAIR_S8_UNPACK                                                                 \
    "sxtb16 %[t0], %[w0]\n\t"                                                             \
    "sxtb16 %[t1], %[w0], ror #8\n\t"                                                     \
    "sxtb16 %[w0], %[w1]\n\t"                                                             \
    "sxtb16 %[w1], %[w1], ror #8\n\t"

/* One 2x2 block of four k (16 MACs) from int8 columns, 19 instructions: rows r0/r1 of the
 * packed pair (wp), column b's word at address B, then column a's at A (asm operand strings:
 * interleaved columns or two tap pointers); sums not doubled. */
#define TE_MAC2X2_S8_AT(B, A)                                                             \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t" TE_PAIR_S8_UNPACK                                 \
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

/* One 2x2 block of four k (16 MACs): rows r0/r1 of the packed pair as W loads them into
 * (t0 w0) (t1 w1), doubled int16 columns a, b (a's and b's (k0 k2) words, then their (k1 k3)
 * words: 16 bytes). */
#define TE_MAC2X2_BLOCK_OF(W)                                                             \
    W                                                                                     \
    "ldrd %[x0], %[x1], [%[xp]], #16\n\t"                                                 \
    "smlad %[a0], %[t0], %[x0], %[a0]\n\t"                                                \
    "smlad %[a1], %[t1], %[x0], %[a1]\n\t"                                                \
    "smlad %[b0], %[t0], %[x1], %[b0]\n\t"                                                \
    "smlad %[b1], %[t1], %[x1], %[b1]\n\t"                                                \
    "ldrd %[x0], %[x1], [%[xp], #-8]\n\t"                                                 \
    "smlad %[a0], %[w0], %[x0], %[a0]\n\t"                                                \
    "smlad %[a1], %[w1], %[x0], %[a1]\n\t"                                                \
    "smlad %[b0], %[w0], %[x1], %[b0]\n\t"                                                \
    "smlad %[b1], %[w1], %[x1], %[b1]\n\t"
/* int8 weights (15 instructions), or int16 ones (12). */
#define TE_MAC2X2_BLOCK                                                                   \
    TE_MAC2X2_BLOCK_OF("ldrd %[w0], %[w1], [%[wp]], #8\n\t" TE_PAIR_S8_UNPACK)
#define TE_MAC2X2_BLOCK16                                                                 \
    TE_MAC2X2_BLOCK_OF("ldrd %[t0], %[t1], [%[wp]], #8\n\t"                                \
                       "ldrd %[w0], %[w1], [%[wp]], #8\n\t")

/* The same from int8 columns interleaved per block (a 4 bytes, b 4 bytes): 19 instructions,
 * sums not doubled (the lean variant, no int16 buffer). */
#define TE_MAC2X2_S8_BLOCK TE_MAC2X2_S8_AT("[%[xp], #4]", "[%[xp]], #8")

/* acc2 of rows r, r+1 x columns a, b over nblk blocks: 16 instructions per 16 MACs */
#define TE_GEMM2X2_LOOP(xp, wp, nblk, BLOCK, LOG2_STEP)                                  \
    do {                                                                                  \
        int32_t end_ = (nblk);                                                            \
        uint32_t w0_, w1_, t0_, t1_, x0_, x1_;                                            \
        __asm__ volatile(                                                                 \
            "tst %[end], #1\n\t"   /* odd block count: enter the unrolled pair midway */    \
            "add %[end], %[xp], %[end], lsl #" LOG2_STEP "\n\t"                            \
            "bne 1f\n\t"                                                                  \
            "0:\n\t" BLOCK "1:\n\t" BLOCK                                                 \
            "cmp %[xp], %[end]\n\t"                                                       \
            "bne 0b\n\t"                                                                  \
            : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [xp] "+r"(xp),   \
              [wp] "+r"(wp), [end] "+r"(end_), [w0] "=&r"(w0_), [w1] "=&r"(w1_),           \
              [t0] "=&r"(t0_), [t1] "=&r"(t1_), [x0] "=&r"(x0_), [x1] "=&r"(x1_)           \
            :                                                                             \
            : "cc", "memory");                                                            \
    } while (0)

/* One 2x4 block of four k (32 MACs): per lane pair (k0 k2, then k1 k3) the two rows' weights
 * as W loads them into t (row r0) and w (row r1), then the doubled int16 columns' words of that
 * lane pair, two columns an LDRD (a b, then c d; the block's 32 bytes hold every column's
 * (k0 k2) word, then every column's (k1 k3) word), each against both rows. */
#define TE_MAC2X4_LANES(W, AB, CD)                                                        \
    W                                                                                     \
    "ldrd %[x0], %[x1], " AB "\n\t"                                                        \
    "smlad %[a0], %[t], %[x0], %[a0]\n\t"                                                 \
    "smlad %[a1], %[w], %[x0], %[a1]\n\t"                                                 \
    "smlad %[b0], %[t], %[x1], %[b0]\n\t"                                                 \
    "smlad %[b1], %[w], %[x1], %[b1]\n\t"                                                 \
    "ldrd %[x0], %[x1], " CD "\n\t"                                                        \
    "smlad %[c0], %[t], %[x0], %[c0]\n\t"                                                 \
    "smlad %[c1], %[w], %[x0], %[c1]\n\t"                                                 \
    "smlad %[d0], %[t], %[x1], %[d0]\n\t"                                                 \
    "smlad %[d1], %[w], %[x1], %[d1]\n\t"
/* A lane pair's weights: one int8 word [r0 r1 r0 r1] (LDR, SXTB16, SXTB16 ROR 8), or the
 * int16 pairs of both rows (one LDRD). */
#define TE_MAC2X4_W                                                                       \
    "ldr %[w], [%[wp]], #4\n\t"                                                           \
    "sxtb16 %[t], %[w]\n\t"                                                               \
    "sxtb16 %[w], %[w], ror #8\n\t"
#define TE_MAC2X4_W16 "ldrd %[t], %[w], [%[wp]], #8\n\t"
#define TE_MAC2X4_BLOCK_OF(W)                                                             \
    TE_MAC2X4_LANES(W, "[%[xp]], #32", "[%[xp], #-24]")                                   \
    TE_MAC2X4_LANES(W, "[%[xp], #-16]", "[%[xp], #-8]")
/* int8 weights (26 instructions a block) and int16 ones (22: no SXTB16, twice the flash) */
#define TE_MAC2X4_BLOCK TE_MAC2X4_BLOCK_OF(TE_MAC2X4_W)
#define TE_MAC2X4_BLOCK16 TE_MAC2X4_BLOCK_OF(TE_MAC2X4_W16)

/* acc2 of rows r, r+1 x columns a..d over the blocks from xp to `end` (in memory, as `odd`,
 * the block count's parity: the 14 registers r0-r12 and lr are all operands): 27.5
 * instructions per 32 MACs with int8 weights, 23.5 with int16 ones. */
#define TE_GEMM2X4_LOOP(BLOCK)                                                            \
    __asm__ volatile(                                                                     \
        "ldr %[t], %[odd]\n\t"                                                            \
        "cmp %[t], #0\n\t"         /* odd block count: enter the unrolled pair midway */    \
        "bne 1f\n\t"                                                                      \
        "0:\n\t" BLOCK "1:\n\t" BLOCK                                                     \
        "ldr %[t], %[end]\n\t"                                                            \
        "cmp %[xp], %[t]\n\t"                                                             \
        "bne.w 0b\n\t"                                                                    \
        : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [c0] "+r"(c0),       \
          [c1] "+r"(c1), [d0] "+r"(d0), [d1] "+r"(d1), [xp] "+r"(xp), [wp] "+r"(wp),       \
          [w] "=&r"(w), [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1)                       \
        : [end] "m"(end), [odd] "m"(odd)                                                  \
        : "cc", "memory")

/* One 2x2 block of four k (16 MACs) straight from the input: pixels a and b each through its
 * own pointer (19 instructions). */
#define TE_MAC2X2_TAP_BLOCK TE_MAC2X2_S8_AT("[%[xb]], #4", "[%[xa]], #4")

/* Sums a0, a1 (pixel pa) and b0, b1 (pixel pb) of a row pair over `end - pa` bytes of both
 * pixels (a whole number of blocks, odd when t0 is 1): the implicit GEMM's inner loop. */
#define TE_GEMM2X2_TAP_LOOP()                                                             \
    __asm__ volatile(                                                                     \
        "tst %[t0], #1\n\t"        /* odd block count: enter the unrolled pair midway */    \
        "bne 1f\n\t"                                                                      \
        "0:\n\t" TE_MAC2X2_TAP_BLOCK "1:\n\t" TE_MAC2X2_TAP_BLOCK                         \
        "ldr %[x0], %[end]\n\t"                                                           \
        "cmp %[xa], %[x0]\n\t"                                                            \
        "bne 0b\n\t"                                                                      \
        : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [xa] "+r"(pa),       \
          [xb] "+r"(pb), [wp] "+r"(wp), [t0] "+r"(t0), [w0] "=&r"(w0), [w1] "=&r"(w1),     \
          [t1] "=&r"(t1), [x0] "=&r"(x0), [x1] "=&r"(x1)                                   \
        : [end] "m"(end)                                                                  \
        : "cc", "memory")

/* One 4x1 block of four k (16 MACs), 13 instructions: the doubled int16 column's two words,
 * then per row its int16 weight pairs (w0 w2)(w1 w3) (layouts/gemm.py pack_rows16). */
#define TE_MAC4X1_W16_ROW(ACC)                                                            \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                                                  \
    "smlad %[" ACC "], %[w0], %[x0], %[" ACC "]\n\t"                                       \
    "smlad %[" ACC "], %[w1], %[x1], %[" ACC "]\n\t"
#define TE_MAC4X1_W16_BLOCK                                                               \
    "ldrd %[x0], %[x1], [%[xp]], #8\n\t"                                                  \
    TE_MAC4X1_W16_ROW("a0") TE_MAC4X1_W16_ROW("a1") TE_MAC4X1_W16_ROW("a2")               \
    TE_MAC4X1_W16_ROW("a3")
/* a0..a3 += rows of the quad x the column over nblk >= 1 blocks (xp, wp advance): 14
 * instructions per 16 MACs, two blocks unrolled. */
#define TE_GEMM4X1_W16_LOOP(nblk)                                                         \
    do {                                                                                  \
        int32_t end_ = (nblk);                                                            \
        uint32_t w0_, w1_, x0_, x1_;                                                      \
        __asm__ volatile(                                                                 \
            "tst %[end], #1\n\t"   /* odd block count: enter the unrolled pair midway */    \
            "add %[end], %[xp], %[end], lsl #3\n\t"                                        \
            "bne 1f\n\t"                                                                  \
            "0:\n\t" TE_MAC4X1_W16_BLOCK "1:\n\t" TE_MAC4X1_W16_BLOCK                     \
            "cmp %[xp], %[end]\n\t"                                                       \
            "bne 0b\n\t"                                                                  \
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp),   \
              [wp] "+r"(wp), [end] "+r"(end_), [w0] "=&r"(w0_), [w1] "=&r"(w1_),           \
              [x0] "=&r"(x0_), [x1] "=&r"(x1_)                                             \
            :                                                                             \
            : "cc", "memory");                                                            \
    } while (0)

/* One 2x1 block of four k (8 MACs) straight from int8 x: the lean variant, no column buffer. */
#define TE_MAC2X1_BLOCK                                                                   \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                                                  \
    "ldr %[x1], [%[xp]], #4\n\t"                                                          \
    "sxtb16 %[x0], %[x1]\n\t"                                                             \
    "sxtb16 %[x1], %[x1], ror #8\n\t"                                                     \
    "sxtb16 %[t], %[w0]\n\t"                                                              \
    "smlad %[a0], %[t], %[x0], %[a0]\n\t"                                                 \
    "sxtb16 %[w0], %[w0], ror #8\n\t"                                                     \
    "smlad %[a1], %[w0], %[x0], %[a1]\n\t"                                                \
    "sxtb16 %[t], %[w1]\n\t"                                                              \
    "smlad %[a0], %[t], %[x1], %[a0]\n\t"                                                 \
    "sxtb16 %[w1], %[w1], ror #8\n\t"                                                     \
    "smlad %[a1], %[w1], %[x1], %[a1]\n\t"
#define TE_GEMM2X1_LOOP()                                                                 \
    __asm__ volatile(                                                                     \
        "add %[end], %[xp], %[end], lsl #2\n\t"                                           \
        "0:\n\t" TE_MAC2X1_BLOCK                                                          \
        "cmp %[xp], %[end]\n\t"                                                           \
        "bne 0b\n\t"                                                                      \
        : [a0] "+r"(a0), [a1] "+r"(a1), [xp] "+r"(xp), [wp] "+r"(wp), [end] "+r"(end),     \
          [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1)     \
        :                                                                                 \
        : "cc", "memory")

/* ---- Requantizing epilogues (te_rq_fast and te_sat_fast in registers) -------------------
 * One row's {m, cc, e} from P (post-incremented) into the ascending M, C, E; the doubled sum A
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

/* Requantize the doubled sums of rows r, r+1 (r: their {m, cc, e}, one LDM a row) for the
 * columns a..d, saturated, each column's two bytes packed (BFI) into the low half of a0..d0. */
#define TE_RQ_ROW4(A, B, C, D)                                                            \
    TE_RQ_LDM("%[r]", "%[m]", "%[c]", "%[e]")                                             \
    TE_RQ_SAT("%[t]", "%[m]", "%[c]", "%[e]", "%[" A "]", "%[" A "]")                     \
    TE_RQ_SAT("%[t]", "%[m]", "%[c]", "%[e]", "%[" B "]", "%[" B "]")                     \
    TE_RQ_SAT("%[t]", "%[m]", "%[c]", "%[e]", "%[" C "]", "%[" C "]")                     \
    TE_RQ_SAT("%[m]", "%[m]", "%[c]", "%[e]", "%[" D "]", "%[" D "]")
#define TE_RQ2X4()                                                                        \
    __asm__ volatile(TE_RQ_ROW4("a0", "b0", "c0", "d0") TE_RQ_ROW4("a1", "b1", "c1", "d1")  \
                     "bfi %[a0], %[a1], #8, #8\n\tbfi %[b0], %[b1], #8, #8\n\t"             \
                     "bfi %[c0], %[c1], #8, #8\n\tbfi %[d0], %[d1], #8, #8\n\t"             \
                     : [r] "+r"(r), [m] "=&r"(m), [c] "=&r"(c), [e] "=&r"(e), [t] "=&r"(t), \
                       [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1),        \
                       [c0] "+r"(c0), [c1] "+r"(c1), [d0] "+r"(d0), [d1] "+r"(d1)         \
                     :                                                                    \
                     : "cc", "memory")
/* Store the byte pairs of a..d (low halves) at o, o + s, o + 2 s, o + 3 s; clamped (mode as
 * te_sat_fast) two columns at a time, packed into one word (PKHBT) against the bounds
 * repeated in every byte (SSUB8 / SEL). */
#define TE_ST2X4_PACKED(CLAMP)                                                            \
    __asm__ volatile("pkhbt %[a], %[a], %[b], lsl #16\n\t"                                \
                     "pkhbt %[c], %[c], %[d], lsl #16\n\t" CLAMP                          \
                     "strh %[a], [%[o]]\n\t"                                              \
                     "lsr %[a], %[a], #16\n\t"                                            \
                     "strh %[a], [%[o], %[s]]\n\t"                                        \
                     "strh %[c], [%[o], %[s], lsl #1]\n\t"                                \
                     "lsr %[c], %[c], #16\n\t"                                            \
                     "add %[o], %[o], %[s], lsl #1\n\t"                                   \
                     "strh %[c], [%[o], %[s]]\n\t"                                        \
                     : [a] "+r"(a0), [b] "+r"(b0), [c] "+r"(c0), [d] "+r"(d0), [o] "+r"(o), \
                       [g] "=&r"(t)                                                       \
                     : [s] "r"(s), [bnd] "r"(bounds)                                      \
                     : "cc", "memory")
#define TE_LO4(V) TE_CLAMP_LO("%[" V "]", "%[b]", "%[g]")
#define TE_HI4(V) TE_CLAMP_HI("%[" V "]", "%[d]", "%[g]")
TE_INLINE void te_rq2x4_store(int32_t a0, int32_t a1, int32_t b0, int32_t b1, int32_t c0,
                              int32_t c1, int32_t d0, int32_t d1, const int32_t *r, int8_t *o,
                              int32_t s, int32_t clamp, const uint32_t bounds[2]) {
    register int32_t m __asm__("r8");   /* ascending, for the LDM */
    register int32_t c __asm__("r9");
    register int32_t e __asm__("r10");
    int32_t t;
    TE_RQ2X4();
    if (clamp == 0) {
        __asm__ volatile("strh %[a], [%[o]]\n\t"
                         "strh %[b], [%[o], %[s]]\n\t"
                         "strh %[c], [%[o], %[s], lsl #1]\n\t"
                         "add %[o], %[o], %[s], lsl #1\n\t"
                         "strh %[d], [%[o], %[s]]\n\t"
                         : [o] "+r"(o)
                         : [a] "r"(a0), [b] "r"(b0), [c] "r"(c0), [d] "r"(d0), [s] "r"(s)
                         : "memory");
    } else if (clamp == 2) {
        TE_ST2X4_PACKED("ldr %[b], [%[bnd]]\n\t" TE_LO4("a") TE_LO4("c"));
    } else {
        TE_ST2X4_PACKED("ldrd %[b], %[d], [%[bnd]]\n\t" TE_LO4("a") TE_LO4("c") TE_HI4("a")
                        TE_HI4("c"));
    }
    (void)m;
    (void)c;
    (void)e;
    (void)a1;
    (void)b1;
    (void)c1;
    (void)d1;
}

/* All row pairs of the 2x4 GEMM in one asm loop, its state in memory (the MACs take every
 * register but sp and pc; x0, x1, w are pinned to r8-r10 for the epilogue's LDM). First the
 * entry into the blocks' loop for the block count's remainder mod 4 (`rem`; the address, with
 * the Thumb bit, kept in `entry`). Per pair: the two biases into the eight sums, the blocks
 * (TE_MAC2X4_BLOCK, four a turn, entered through `entry`: one loop test per four blocks), the
 * eight sums requantized (TE_RQ_SAT, each row's {m, cc, e} one LDM), each column's two bytes
 * packed (BFI), then STORE: the clamp and four STRH at o + i * s. */
#define TE_GEMM2X4_PAIRS(BLOCK, STORE)                                                    \
    __asm__ volatile(                                                                     \
        "ldr %[t], %[rem]\n\t"                                                            \
        "cmp %[t], #2\n\t"                                                                \
        "beq 92f\n\t"                                                                     \
        "bhi 93f\n\t"                                                                     \
        "cmp %[t], #1\n\t"                                                                \
        "beq 91f\n\t"                                                                     \
        "adr.w %[xp], 0f\n\t"                                                             \
        "b 94f\n\t"                                                                       \
        "91:\n\tadr.w %[xp], 1f\n\t"                                                      \
        "b 94f\n\t"                                                                       \
        "92:\n\tadr.w %[xp], 2f\n\t"                                                      \
        "b 94f\n\t"                                                                       \
        "93:\n\tadr.w %[xp], 3f\n\t"                                                      \
        "94:\n\torr %[xp], %[xp], #1\n\t"                                                 \
        "str %[xp], %[entry]\n\t"                                                         \
        "8:\n\t"                                                                          \
        "ldr %[t], %[rq]\n\t"                                                             \
        "ldrd %[a0], %[a1], [%[t]]\n\t"                                                   \
        "ldrd %[b0], %[b1], [%[t]]\n\t"                                                   \
        "ldrd %[c0], %[c1], [%[t]]\n\t"                                                   \
        "ldrd %[d0], %[d1], [%[t]]\n\t"                                                   \
        "ldr %[xp], %[cols]\n\t"                                                          \
        "ldr %[t], %[entry]\n\t"                                                          \
        "bx %[t]\n\t"                                                                     \
        "0:\n\t" BLOCK "3:\n\t" BLOCK "2:\n\t" BLOCK "1:\n\t" BLOCK                       \
        "ldr %[t], %[end]\n\t"                                                            \
        "cmp %[xp], %[t]\n\t"                                                             \
        "bne.w 0b\n\t"                                                                    \
        "ldr %[t], %[rq]\n\t"                                                             \
        "add %[t], %[t], #8\n\t"                                                          \
        TE_RQ_LDM("%[t]", "%[x0]", "%[x1]", "%[w]")                                        \
        TE_RQ_SAT("%[xp]", "%[x0]", "%[x1]", "%[w]", "%[a0]", "%[a0]")                     \
        TE_RQ_SAT("%[xp]", "%[x0]", "%[x1]", "%[w]", "%[b0]", "%[b0]")                     \
        TE_RQ_SAT("%[xp]", "%[x0]", "%[x1]", "%[w]", "%[c0]", "%[c0]")                     \
        TE_RQ_SAT("%[x0]", "%[x0]", "%[x1]", "%[w]", "%[d0]", "%[d0]")                     \
        TE_RQ_LDM("%[t]", "%[x0]", "%[x1]", "%[w]")                                        \
        TE_RQ_SAT("%[xp]", "%[x0]", "%[x1]", "%[w]", "%[a1]", "%[a1]")                     \
        TE_RQ_SAT("%[xp]", "%[x0]", "%[x1]", "%[w]", "%[b1]", "%[b1]")                     \
        TE_RQ_SAT("%[xp]", "%[x0]", "%[x1]", "%[w]", "%[c1]", "%[c1]")                     \
        TE_RQ_SAT("%[x0]", "%[x0]", "%[x1]", "%[w]", "%[d1]", "%[d1]")                     \
        "str %[t], %[rq]\n\t"                                                             \
        "bfi %[a0], %[a1], #8, #8\n\tbfi %[b0], %[b1], #8, #8\n\t"                          \
        "bfi %[c0], %[c1], #8, #8\n\tbfi %[d0], %[d1], #8, #8\n\t"                          \
        "ldr %[x0], %[o]\n\t"                                                             \
        "ldr %[x1], %[s]\n\t" STORE                                                       \
        "add %[x0], %[x0], #2\n\t"                                                        \
        "str %[x0], %[o]\n\t"                                                             \
        "ldr %[x0], %[n]\n\t"                                                             \
        "subs %[x0], %[x0], #1\n\t"                                                       \
        "str %[x0], %[n]\n\t"                                                             \
        "bne.w 8b\n\t"                                                                    \
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [b0] "=&r"(b0), [b1] "=&r"(b1), [c0] "=&r"(c0),  \
          [c1] "=&r"(c1), [d0] "=&r"(d0), [d1] "=&r"(d1), [xp] "=&r"(xp), [wp] "+r"(wp),   \
          [w] "=&r"(w), [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [rq] "+m"(rq),       \
          [o] "+m"(o), [n] "+m"(n), [entry] "+m"(entry)                                   \
        : [cols] "m"(cols), [end] "m"(end), [rem] "m"(rem), [s] "m"(out_c),               \
          [bounds] "m"(bounds)                                                            \
        : "cc", "memory")
/* The stores of TE_GEMM2X4_PAIRS (o in x0, s in x1; xp free): unclamped, four STRH; else
 * columns a, b and c, d packed in a word each (PKHBT), clamped (SSUB8 / SEL against the
 * bounds repeated in every byte: CLAMP), then stored as halves. */
#define TE_ST2X4_PLAIN                                                                    \
    "strh %[a0], [%[x0]]\n\t"                                                             \
    "strh %[b0], [%[x0], %[x1]]\n\t"                                                      \
    "strh %[c0], [%[x0], %[x1], lsl #1]\n\t"                                              \
    "add %[xp], %[x0], %[x1], lsl #1\n\t"                                                 \
    "strh %[d0], [%[xp], %[x1]]\n\t"
#define TE_ST2X4_CLAMPED(CLAMP)                                                           \
    "pkhbt %[a0], %[a0], %[b0], lsl #16\n\t"                                              \
    "pkhbt %[c0], %[c0], %[d0], lsl #16\n\t"                                              \
    "ldrd %[a1], %[b1], %[bounds]\n\t" CLAMP                                              \
    "strh %[a0], [%[x0]]\n\t"                                                             \
    "lsr %[a0], %[a0], #16\n\t"                                                           \
    "strh %[a0], [%[x0], %[x1]]\n\t"                                                      \
    "strh %[c0], [%[x0], %[x1], lsl #1]\n\t"                                              \
    "lsr %[c0], %[c0], #16\n\t"                                                           \
    "add %[xp], %[x0], %[x1], lsl #1\n\t"                                                 \
    "strh %[c0], [%[xp], %[x1]]\n\t"
#define TE_LO2X4 TE_CLAMP_LO("%[a0]", "%[a1]", "%[t]") TE_CLAMP_LO("%[c0]", "%[a1]", "%[t]")
#define TE_HI2X4 TE_CLAMP_HI("%[a0]", "%[b1]", "%[t]") TE_CLAMP_HI("%[c0]", "%[b1]", "%[t]")

/* ---- Pointwise with in_c 4, 8 or 12: the pixel in registers, a record per row -------------
 * x0..x5: the pixel's k as int16 pairs in SXTB16 order (x0 = (k0 k2), x1 = (k1 k3), ..).
 * Records (layouts/gemm.py pack_regs): {2 * bias, the doubled int16 weight pairs of each
 * block of four k, m, cc, e}. Per row: one LDM of the bias and first block, one of each
 * further block, one of m, cc, e, the requantization, one STRB: 14 instructions for 8 k.
 * a, w, v, e are pinned to ascending registers (r8-r11) for the LDMs. */
#define TE_REGS_MORE(X0, X1)                                                              \
    "ldm %[r]!, {%[w], %[v]}\n\t"                                                         \
    "smlad %[a], %[w], %[" X0 "], %[a]\n\t"                                              \
    "smlad %[a], %[v], %[" X1 "], %[a]\n\t"
#define TE_REGS_ROWS(MORE)                                                                \
    __asm__ volatile(                                                                     \
        "1:\n\t"                                                                          \
        "ldm %[r]!, {%[a], %[w], %[v]}\n\t"                                               \
        "smlad %[a], %[w], %[x0], %[a]\n\t"                                               \
        "smlad %[a], %[v], %[x1], %[a]\n\t" MORE                                          \
        "ldm %[r]!, {%[w], %[v], %[e]}\n\t"                                               \
        "smmlar %[t], %[a], %[w], %[v]\n\t"                                               \
        "add %[t], %[t], %[a], asr #31\n\t"                                               \
        "asr %[t], %[t], %[e]\n\t"                                                        \
        "ssat %[t], #8, %[t]\n\t"                                                         \
        "strb %[t], [%[o]], #1\n\t"                                                       \
        "cmp %[o], %[end]\n\t"                                                            \
        "bne 1b\n\t"                                                                      \
        : [r] "+r"(r), [o] "+r"(o), [a] "=&r"(a), [w] "=&r"(w), [v] "=&r"(v),             \
          [e] "=&r"(e), [t] "=&r"(t)                                                      \
        : [x0] "r"(x0), [x1] "r"(x1), [x2] "r"(x2), [x3] "r"(x3), [x4] "r"(x4),           \
          [x5] "r"(x5), [end] "r"(end)                                                    \
        : "cc", "memory")

/* ---- The 4x1 GEMV of FULLY_CONNECTED (rows packed in quads) ------------------------------
 * One 4x1 block of four k (16 MACs): the column's four k as int16 pairs (x0, x1), then the
 * quad's four weight words in one LDM (w0..w3 are pinned to ascending registers), each split
 * by SXTB16 / SXTB16 ROR 8 and multiplied pairwise: 18 instructions from int16 columns, 20
 * from int8 (XLOAD widens the word itself); every one 32-bit. */
#define TE_X16_LOAD "ldrd %[x0], %[x1], [%[xp]], #8\n\t"
#define TE_X8_LOAD                                                                        \
    "ldr %[x1], [%[xp]], #4\n\t"                                                          \
    "sxtb16 %[x0], %[x1]\n\t"                                                             \
    "sxtb16 %[x1], %[x1], ror #8\n\t"
#define TE_MAC4X1_ROW(w, acc)                                                             \
    "sxtb16 %[t], %[" w "]\n\t"                                                           \
    "sxtb16 %[" w "], %[" w "], ror #8\n\t"                                                \
    "smlad %[" acc "], %[t], %[x0], %[" acc "]\n\t"                                        \
    "smlad %[" acc "], %[" w "], %[x1], %[" acc "]\n\t"
#define TE_MAC4X1_BLOCK(XLOAD)                                                            \
    XLOAD "ldm.w %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" TE_MAC4X1_ROW("w0", "a0")      \
    TE_MAC4X1_ROW("w1", "a1") TE_MAC4X1_ROW("w2", "a2") TE_MAC4X1_ROW("w3", "a3")
#define TE_RQ4_ROW(A)                                                                     \
    TE_RQ_LDM("%[xp]", "%[w0]", "%[w1]", "%[w2]")                                         \
    TE_RQ_SAT("%[w0]", "%[w0]", "%[w1]", "%[w2]", "%[" A "]", "%[" A "]")
#define TE_DOUBLE4                                                                        \
    "add %[a0], %[a0], %[a0]\n\tadd %[a1], %[a1], %[a1]\n\t"                              \
    "add %[a2], %[a2], %[a2]\n\tadd %[a3], %[a3], %[a3]\n\t"

/* All of FULLY_CONNECTED's quads in one asm loop, its state in memory (the MACs take every
 * register but sp and pc). Per quad: the four biases; eight blocks a turn, TBH entering the
 * first turn nblk % 8 blocks from its end, the column's end in lr; then (sums DOUBLEd for int8
 * x) requantized, packed into one word (BFI), clamped to [lo, hi] in all four bytes at once
 * (SSUB8 / SEL against the bounds repeated in every byte) and stored with one STR. */
#define TE_GEMV4_QUADS(XLOAD, DOUBLE)                                                     \
    __asm__ volatile(                                                                     \
        "8:\n\t"                                                                          \
        "ldr %[t], %[rq]\n\t"                                                             \
        "ldrd %[a0], %[a1], [%[t]], #8\n\t"                                               \
        "ldrd %[a2], %[a3], [%[t]], #8\n\t"                                               \
        "str %[t], %[rq]\n\t"                                                             \
        "ldr %[xp], %[col]\n\t"                                                           \
        "ldr lr, %[end]\n\t"                                                              \
        "ldr %[t], %[nblk]\n\t"                                                           \
        "and %[t], %[t], #7\n\t"                                                          \
        "tbh [pc, %[t], lsl #1]\n\t"                                                      \
        "9:\n\t"                                                                          \
        ".hword (0f-9b)/2, (7f-9b)/2, (6f-9b)/2, (5f-9b)/2\n\t"                           \
        ".hword (4f-9b)/2, (3f-9b)/2, (2f-9b)/2, (1f-9b)/2\n\t"                           \
        "0:\n\t" TE_MAC4X1_BLOCK(XLOAD) "1:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "2:\n\t" TE_MAC4X1_BLOCK(XLOAD) "3:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "4:\n\t" TE_MAC4X1_BLOCK(XLOAD) "5:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "6:\n\t" TE_MAC4X1_BLOCK(XLOAD) "7:\n\t" TE_MAC4X1_BLOCK(XLOAD)                  \
        "cmp %[xp], lr\n\t"                                                               \
        "bne.w 0b\n\t" DOUBLE                                                             \
        "ldr %[xp], %[rq]\n\t"                                                            \
        TE_RQ4_ROW("a0") TE_RQ4_ROW("a1") TE_RQ4_ROW("a2") TE_RQ4_ROW("a3")               \
        "str %[xp], %[rq]\n\t"                                                            \
        "bfi %[a0], %[a1], #8, #8\n\t"                                                    \
        "bfi %[a0], %[a2], #16, #8\n\t"                                                   \
        "bfi %[a0], %[a3], #24, #8\n\t"                                                   \
        "ldrd %[x0], %[x1], %[bounds]\n\t"                                                \
        TE_CLAMP_LO("%[a0]", "%[x0]", "%[t]") TE_CLAMP_HI("%[a0]", "%[x1]", "%[t]")         \
        "ldr %[t], %[out]\n\t"                                                            \
        "str %[a0], [%[t]], #4\n\t"                                                       \
        "str %[t], %[out]\n\t"                                                            \
        "ldr %[t], %[quads]\n\t"                                                          \
        "subs %[t], %[t], #1\n\t"                                                         \
        "str %[t], %[quads]\n\t"                                                          \
        "bne.w 8b\n\t"                                                                    \
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xp] "=&r"(xp), \
          [wp] "+r"(wp), [t] "=&r"(t), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2),     \
          [w3] "=&r"(w3), [x0] "=&r"(x0), [x1] "=&r"(x1), [rq] "+m"(rq), [out] "+m"(o),      \
          [quads] "+m"(quads)                                                             \
        : [col] "m"(col), [end] "m"(end), [nblk] "m"(nblk), [bounds] "m"(bounds)          \
        : "cc", "memory", "lr")

/* ---- Depthwise 3x3 (layouts/depthwise.py: doubled int16 taps, channels (0,2), (1,3)) -----
 * One tap for four channels: x = the tap's input word, (we, wo) its doubled weights. */
#define TE_DW3_TAP(addr)                                                                  \
    "ldr %[x], " addr "\n\t"                                                              \
    "sxtb16 %[xe], %[x]\n\t"                                                              \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                       \
    "ldrd %[we], %[wo], [%[w]], #8\n\t"                                                   \
    "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                                               \
    "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                                               \
    "smlabb %[a1], %[x], %[wo], %[a1]\n\t"                                                \
    "smlatt %[a3], %[x], %[wo], %[a3]\n\t"
#define TE_DW3_ROW TE_DW3_TAP("[%[p]]") TE_DW3_TAP("[%[p], %[xp]]")                         \
    TE_DW3_TAP("[%[p], %[xp], lsl #1]")
/* The nine taps of one pixel of a four-channel group: 8 instructions a tap, 36 MACs in 74. */
#define TE_DW3_ASM()                                                                      \
    __asm__ volatile(TE_DW3_ROW "add %[p], %[p], %[yp]\n\t" TE_DW3_ROW                    \
                     "add %[p], %[p], %[yp]\n\t" TE_DW3_ROW                               \
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),        \
                       [p] "+r"(p), [w] "+r"(w), [x] "=&r"(x), [xe] "=&r"(xe),            \
                       [we] "=&r"(we), [wo] "=&r"(wo)                                     \
                     : [xp] "r"(xp), [yp] "r"(yp)                                         \
                     : "memory")
/* One four-channel group of one output pixel, 3x3, every tap inside: the sums from the folded
 * biases (r), the nine taps (TE_DW3_ROW from p, rows yp apart; p back on its first row
 * after), the requantization (m at word 4 + i of the group's rq, cc at 8 + i, e at 12 + i)
 * and the four bytes packed into a0 (BFI); then CLAMP (TE_DW3_LO / TE_DW3_LOHI against the
 * bounds {lo, hi} in every byte, memory): 110 instructions clamped both ways. */
#define TE_DW3_RQ_CH(A, I)                                                                \
    "ldr %[we], [%[r], #" #I " * 4 + 16]\n\t"                                              \
    "ldr %[wo], [%[r], #" #I " * 4 + 32]\n\t"                                              \
    "ldr %[xe], [%[r], #" #I " * 4 + 48]\n\t"                                              \
    TE_RQ_SAT("%[x]", "%[we]", "%[wo]", "%[xe]", "%[" A "]", "%[" A "]")
#define TE_DW3_LO "ldr %[we], %[bounds]\n\t" TE_CLAMP_LO("%[a0]", "%[we]", "%[x]")
#define TE_DW3_LOHI                                                                       \
    "ldrd %[we], %[wo], %[bounds]\n\t" TE_CLAMP_LO("%[a0]", "%[we]", "%[x]")               \
    TE_CLAMP_HI("%[a0]", "%[wo]", "%[x]")
/* LOOP (TE_DW3_GROUPS or TE_DW3_ROW_PIXELS) with the clamp of te_sat_fast's mode `clamp`. */
#define TE_DW3_BY_CLAMP(clamp, LOOP)                                                      \
    do {                                                                                  \
        if ((clamp) == 0) {                                                               \
            LOOP("");                                                                     \
        } else if ((clamp) == 2) {                                                        \
            LOOP(TE_DW3_LO);                                                              \
        } else {                                                                          \
            LOOP(TE_DW3_LOHI);                                                            \
        }                                                                                 \
    } while (0)
#define TE_DW3_PX(CLAMP)                                                                  \
    "ldrd %[a0], %[a1], [%[r]]\n\t"                                                       \
    "ldrd %[a2], %[a3], [%[r], #8]\n\t"                                                   \
    TE_DW3_ROW "add %[p], %[p], %[yp]\n\t" TE_DW3_ROW "add %[p], %[p], %[yp]\n\t" TE_DW3_ROW \
    "sub %[p], %[p], %[yp], lsl #1\n\t"                                                   \
    TE_DW3_RQ_CH("a0", 0) TE_DW3_RQ_CH("a1", 1) TE_DW3_RQ_CH("a2", 2) TE_DW3_RQ_CH("a3", 3)   \
    "bfi %[a0], %[a1], #8, #8\n\t"                                                        \
    "bfi %[a0], %[a2], #16, #8\n\t"                                                       \
    "bfi %[a0], %[a3], #24, #8\n\t" CLAMP
#define TE_DW3_OPERANDS(...)                                                              \
    : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [p] "+r"(p),        \
      [w] "+r"(w), [r] "+r"(r), [o] "+r"(o), [x] "=&r"(x), [xe] "=&r"(xe), [we] "=&r"(we), \
      [wo] "=&r"(wo)                                                                      \
    : [xp] "r"(xp), [yp] "r"(yp), [end] "m"(end),                                         \
      [bounds] "m"(*(const uint32_t(*)[2])bounds)__VA_ARGS__                              \
    : "cc", "memory"
/* Every four-channel group of one interior pixel (the window's groups 4 bytes apart; w and r
 * run on through the groups' taps and rq), one STR each (unaligned where c % 4 != 0, as the
 * M4 and later allow), until o reaches `end` (memory): 116 instructions a group, clamped
 * both ways, where the C loop around TE_DW3_ASM took about 140. */
#define TE_DW3_GROUPS(CLAMP)                                                              \
    __asm__ volatile("1:\n\t" TE_DW3_PX(CLAMP)                                             \
                     "add %[p], %[p], #4\n\t"                                             \
                     "add %[r], %[r], #80\n\t"   /* TE_DW_RQ words */                        \
                     "str %[a0], [%[o]], #4\n\t"                                          \
                     "ldr %[x], %[end]\n\t"                                               \
                     "cmp %[o], %[x]\n\t"                                                 \
                     "bne.w 1b\n\t" TE_DW3_OPERANDS())
/* The pixels of an output row of one group (the in-place kernel's padded planes): the window
 * steps by pstep bytes, the output by ostep, the taps start again at w0 (all memory), until o
 * reaches `end`: 118 instructions a pixel, clamped both ways. */
#define TE_DW3_ROW_PIXELS(CLAMP)                                                          \
    __asm__ volatile("1:\n\t" TE_DW3_PX(CLAMP)                                             \
                     "ldr %[x], %[pstep]\n\t"                                             \
                     "add %[p], %[p], %[x]\n\t"                                           \
                     "ldr %[w], %[w0]\n\t"                                                \
                     "str %[a0], [%[o]]\n\t"                                              \
                     "ldr %[x], %[ostep]\n\t"                                             \
                     "add %[o], %[o], %[x]\n\t"                                           \
                     "ldr %[x], %[end]\n\t"                                               \
                     "cmp %[o], %[x]\n\t"                                                 \
                     "bne.w 1b\n\t"                                                       \
                     TE_DW3_OPERANDS(, [pstep] "m"(pstep), [ostep] "m"(ostep), [w0] "m"(w0)))

/* ---- Depthwise 3x3 on planar int16 rows (te_dw_ring_row, stride 1) ----------------------
 * Two outputs of a row of sums per turn from the channel's three input rows q0..q2 (post-
 * incremented a word), its taps w0..w5 ((w_r0 w_r1) (w_r1 w_r2) per kernel row r); the sums
 * start as START loads them (the memory operand b2, or acc's own) and go to acc
 * (post-incremented) until `end` (memory):
 * 20 instructions per two outputs (18 MACs). */
#define TE_DW_RING_S1_ROW(Q, WA, WB)                                                      \
    "ldrd %[A], %[B], [%[" Q "]], #4\n\t"                                                 \
    "smlatb %[a1], %[A], %[" WA "], %[a1]\n\t"                                            \
    "smlad %[a0], %[A], %[" WA "], %[a0]\n\t"                                             \
    "smlabt %[a0], %[B], %[" WB "], %[a0]\n\t"                                            \
    "smlad %[a1], %[B], %[" WB "], %[a1]\n\t"
#define TE_DW_RING_S1(START)                                                              \
    __asm__ volatile(                                                                     \
        "1:\n\t" START                                                                     \
        TE_DW_RING_S1_ROW("q0", "w0", "w1") TE_DW_RING_S1_ROW("q1", "w2", "w3")            \
        TE_DW_RING_S1_ROW("q2", "w4", "w5")                                               \
        "strd %[a0], %[a1], [%[acc]], #8\n\t"                                              \
        "ldr %[A], %[end]\n\t"                                                            \
        "cmp %[acc], %[A]\n\t"                                                            \
        "bne 1b\n\t"                                                                      \
        : [q0] "+r"(q0), [q1] "+r"(q1), [q2] "+r"(q2), [acc] "+r"(acc), [A] "=&r"(A),     \
          [B] "=&r"(B), [a0] "=&r"(a0), [a1] "=&r"(a1)                                    \
        : [w0] "r"(w0), [w1] "r"(w1), [w2] "r"(w2), [w3] "r"(w3), [w4] "r"(w4),           \
          [w5] "r"(w5), [b2] "m"(b2), [end] "m"(end)                                      \
        : "cc", "memory")
/* Two doubled sums from acc (post-incremented) requantized (m, cc, e: te_rq_fast) and
 * saturated into o and o + step, o advanced by two steps, until acc reaches `end`: 14
 * instructions per two outputs (no clamp). */
#define TE_DW_RING_OUT2()                                                                 \
    __asm__ volatile(                                                                     \
        "1:\n\t"                                                                          \
        "ldrd %[a], %[b], [%[acc]], #8\n\t"                                                \
        "smmlar %[t], %[a], %[m], %[cc]\n\t"                                              \
        "add %[t], %[t], %[a], asr #31\n\t"                                               \
        "asr %[t], %[t], %[e]\n\t"                                                        \
        "ssat %[t], #8, %[t]\n\t"                                                         \
        "strb %[t], [%[o]]\n\t"                                                           \
        "smmlar %[t], %[b], %[m], %[cc]\n\t"                                              \
        "add %[t], %[t], %[b], asr #31\n\t"                                               \
        "asr %[t], %[t], %[e]\n\t"                                                        \
        "ssat %[t], #8, %[t]\n\t"                                                         \
        "strb %[t], [%[o], %[step]]\n\t"                                                  \
        "add %[o], %[o], %[step], lsl #1\n\t"                                             \
        "cmp %[acc], %[end]\n\t"                                                          \
        "bne 1b\n\t"                                                                      \
        : [acc] "+r"(acc), [o] "+r"(o), [a] "=&r"(a), [b] "=&r"(b), [t] "=&r"(t)          \
        : [m] "r"(m), [cc] "r"(cc), [e] "r"(e), [step] "r"(step), [end] "r"(end2)         \
        : "cc", "memory")

/* Stride 2: inputs A, B, C = (x, x+1) (x+2, x+3) (x+4, x+5) of each row, outputs at x and
 * x + 2: SMLAD(A | B, (w0 w1)) + SMLABT(B | C, (w1 w2)); the last row's taps w4, w5 from
 * memory (the 14 registers are taken): 26 instructions per two outputs. */
#define TE_DW_RING_S2_ROW(Q, WA, WB)                                                      \
    "ldrd %[A], %[B], [%[" Q "]], #8\n\t"                                                 \
    "ldr %[C], [%[" Q "]]\n\t"                                                            \
    "smlad %[a0], %[A], " WA ", %[a0]\n\t"                                                \
    "smlad %[a1], %[B], " WA ", %[a1]\n\t"                                                \
    "smlabt %[a0], %[B], " WB ", %[a0]\n\t"                                               \
    "smlabt %[a1], %[C], " WB ", %[a1]\n\t"
#define TE_DW_RING_S2(START)                                                              \
    __asm__ volatile(                                                                     \
        "1:\n\t" START                                                                     \
        TE_DW_RING_S2_ROW("q0", "%[w0]", "%[w1]") TE_DW_RING_S2_ROW("q1", "%[w2]", "%[w3]") \
        "ldrd %[A], %[B], [%[q2]], #8\n\t"                                                 \
        "ldr %[C], [%[q2]]\n\t"                                                            \
        "ldr %[t], %[w4]\n\t"                                                              \
        "smlad %[a0], %[A], %[t], %[a0]\n\t"                                               \
        "smlad %[a1], %[B], %[t], %[a1]\n\t"                                               \
        "ldr %[t], %[w5]\n\t"                                                              \
        "smlabt %[a0], %[B], %[t], %[a0]\n\t"                                              \
        "smlabt %[a1], %[C], %[t], %[a1]\n\t"                                              \
        "strd %[a0], %[a1], [%[acc]], #8\n\t"                                              \
        "ldr %[A], %[end]\n\t"                                                            \
        "cmp %[acc], %[A]\n\t"                                                            \
        "bne 1b\n\t"                                                                      \
        : [q0] "+r"(q0), [q1] "+r"(q1), [q2] "+r"(q2), [acc] "+r"(acc), [A] "=&r"(A),     \
          [B] "=&r"(B), [C] "=&r"(C), [a0] "=&r"(a0), [a1] "=&r"(a1), [t] "=&r"(t)        \
        : [w0] "r"(w0), [w1] "r"(w1), [w2] "r"(w2), [w3] "r"(w3), [w4] "m"(w4),           \
          [w5] "m"(w5), [b2] "m"(b2), [end] "m"(end)                                      \
        : "cc", "memory")
#endif /* TE_FAST */

#if TE_MVE
/* ---- Helium (layouts/mve.py) ------------------------------------------------------------
 * Four rows' sums a0..a3 of one column x over k bytes: per chunk of 16 k one load of x and of
 * each row, VMLADAVA (16 MACs) into the even registers it needs, in a tail-predicated loop
 * (DLSTP / LETP: the last, partial chunk of x is never read past k). */
#define TE_MVE_GEMV4_LOOP()                                                               \
    __asm__ volatile(                                                                     \
        "dlstp.8 lr, %[k]\n"                                                              \
        "1:\n\t"                                                                          \
        "vldrb.8 q0, [%[xp]], #16\n\t"                                                    \
        "vldrb.8 q1, [%[wp]], #16\n\t"                                                    \
        "vmladava.s8 %[a0], q0, q1\n\t"                                                   \
        "vldrb.8 q1, [%[wp]], #16\n\t"                                                    \
        "vmladava.s8 %[a1], q0, q1\n\t"                                                   \
        "vldrb.8 q1, [%[wp]], #16\n\t"                                                    \
        "vmladava.s8 %[a2], q0, q1\n\t"                                                   \
        "vldrb.8 q1, [%[wp]], #16\n\t"                                                    \
        "vmladava.s8 %[a3], q0, q1\n\t"                                                   \
        "letp lr, 1b\n"                                                                   \
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp),       \
          [wp] "+r"(wp)                                                                   \
        : [k] "r"(k)                                                                      \
        : "q0", "q1", "lr", "memory")

/* Depthwise 3x3 with Helium: a tap is the four channels' input bytes gathered in the (0, 2,
 * 1, 3) order of the doubled weights (offset vector o), one VLDRH of the weights, VMUL and
 * VADD (MVE's VMLA takes a scalar): 4 instructions for 4 MACs. */
#define TE_DW3_MVE_TAP(o)                                                                 \
    "vldrb.s32 %q[x], [%[p], %q[" o "]]\n\t"                                                 \
    "vldrh.s32 %q[wv], [%[w]], #8\n\t"                                                    \
    "vmul.i32 %q[x], %q[x], %q[wv]\n\t"                                                    \
    "vadd.i32 %q[acc], %q[acc], %q[x]\n\t"
#define TE_DW3_MVE_ROW TE_DW3_MVE_TAP("o0") TE_DW3_MVE_TAP("o1") TE_DW3_MVE_TAP("o2")
#define TE_DW3_MVE_ASM()                                                                  \
    __asm__ volatile(TE_DW3_MVE_ROW "add %[p], %[p], %[yp]\n\t" TE_DW3_MVE_ROW            \
                     "add %[p], %[p], %[yp]\n\t" TE_DW3_MVE_ROW                           \
                     : [acc] "+w"(acc), [x] "=&w"(x), [wv] "=&w"(wv), [p] "+r"(p),        \
                       [w] "+l"(w)                                                        \
                     : [o0] "w"(perm), [o1] "w"(o1), [o2] "w"(o2), [yp] "r"(yp)           \
                     : "memory")
#endif /* TE_MVE */

#endif /* TE_ASM_H_ */
