/* ADD and SUB int16: TFLite's AddElementwise / SubElementwise (and their BroadcastAdd6DSlow /
 * BroadcastQuantSubSlow twins, the same per-element arithmetic) as TFLM's add.cc and sub.cc run
 * them for int16 (add: pot_scale false, the general path): each input plus its offset, shifted
 * left by 15, rescaled with MultiplyByQuantizedMultiplierSmallerThanOneExp, the two summed
 * (subtracted), requantized, + output offset, clamped. |x + off| <= 65535, so the shifted
 * value fits int32 as TFLM notes. */
#include "add_s16.h"

#define TE_ADD_S16_BODY(op)                                                                 \
    TE_BROADCAST_4D_T(                                                                      \
        int16_t, int32_t,                                                                   \
        const int32_t sa = te_requant((x + a_off) * (1 << left_shift), a_mult, a_shift);    \
        const int32_t sb = te_requant((y + b_off) * (1 << left_shift), b_mult, b_shift);    \
        *out++ = (int16_t)te_clamp(te_requant(sa op sb, out_mult, out_shift) + out_off,     \
                                   act_min, act_max););

TE_ADD_S16_DECL(te_add_s16) {
    TE_ADD_S16_BODY(+)
}

TE_ADD_S16_DECL(te_sub_s16) {
    TE_ADD_S16_BODY(-)
}
