/* DIV int8 over a 4-D loop nest with per-input strides (0 = broadcast); TFLM's DivElementwise /
 * BroadcastDivSlowQuantized (reference/div.h), bit-exact with the x86-64 build of TFLM's
 * reference kernels (ops/div.py says why that matters). GetReciprocal of the divisor is the
 * host's table (inv, shift = output_shift - reciprocal shift, by the divisor's byte). */
#include "div.h"
#include "te_isa.h"

/* gemmlowp RoundingDivideByPOT for an exponent outside [0, 31] too, as x86-64 evaluates
 * TFLM's (there undefined) shifts: `1ll << e` modulo 64, the int32 `x >> e` modulo 32. */
static int32_t div_rdbpot(int32_t x, int32_t e) {
    const int32_t mask = (int32_t)(uint32_t)(((uint64_t)1 << (e & 63)) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> (e & 31)) + (remainder > threshold ? 1 : 0);
}

void te_div_s8(const int8_t *a, const int8_t *b, int8_t *out,
               int32_t d0, int32_t d1, int32_t d2, int32_t d3,
               int32_t a0, int32_t a1, int32_t a2, int32_t a3,
               int32_t b0, int32_t b1, int32_t b2, int32_t b3,
               int32_t a_off, int32_t b_off, const int32_t *inv, const int8_t *shift,
               int32_t out_mult, int32_t out_off, int32_t act_min, int32_t act_max) {
    TE_BROADCAST_4D(
        /* both signs flipped where the divisor is negative: the reciprocal is of |v2| */
        const int32_t v1 = (y + b_off < 0) ? -(x + a_off) : (x + a_off);
        /* CountLeadingSignBits (31 for 0 and -1) */
        const int32_t headroom = te_clz32((uint32_t)(v1 < 0 ? ~v1 : v1)) - 1;
        const int32_t quotient = te_srdhm((int32_t)((uint32_t)v1 << headroom), inv[y]);
        const int32_t r = te_srdhm(quotient, out_mult);
        *out++ = (int8_t)te_clamp(out_off + div_rdbpot(r, headroom - shift[y]), act_min,
                                  act_max););
}
