/* ADD int8 over a 4-D loop nest with per-input strides (0 = broadcast).
 * Arithmetic follows TFLM reference_integer_ops::AddFunc bit for bit. */
#include "add.h"
#include "te_isa.h"

void te_add_s8(const int8_t *a, const int8_t *b, int8_t *out,
               int32_t d0, int32_t d1, int32_t d2, int32_t d3,
               int32_t a0, int32_t a1, int32_t a2, int32_t a3,
               int32_t b0, int32_t b1, int32_t b2, int32_t b3,
               int32_t a_off, int32_t a_mult, int32_t a_shift,
               int32_t b_off, int32_t b_mult, int32_t b_shift, int32_t left_shift,
               int32_t out_mult, int32_t out_shift, int32_t out_off,
               int32_t act_min, int32_t act_max) {
    TE_BROADCAST_4D(
        const int32_t sum = te_requant((x + a_off) * (1 << left_shift), a_mult, a_shift) +
                            te_requant((y + b_off) * (1 << left_shift), b_mult, b_shift);
        *out++ = (int8_t)te_clamp(te_requant(sum, out_mult, out_shift) + out_off, act_min,
                                  act_max););
}
