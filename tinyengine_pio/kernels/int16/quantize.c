/* QUANTIZE between integer types with int16 on one side: TFLite's reference_ops::Requantize
 * <in, out> as TFLM's quantize_common.cc runs it for int16 -> int8 / int16 / int32,
 * int8 -> int16 and int32 -> int16: per element MultiplyByQuantizedMultiplier(x - in_zp,
 * mult, shift) + out_zp, clamped to the output type (the subtraction wraps, as TFLM's int32
 * arithmetic does on its targets). Element i is read before it is written (OpDef.access). */
#include "quantize_s16.h"

#define TE_REQUANTIZE_S16_DEF(name, in_t, out_t, lo, hi)                                   \
    TE_REQUANTIZE_S16_DECL(name, in_t, out_t) {                                            \
        int32_t i;                                                                         \
        for (i = 0; i < n; ++i) {                                                          \
            const int32_t x = (int32_t)((uint32_t)(int32_t)in[i] - (uint32_t)in_zp);      \
            const int32_t v = te_requant(x, mult, shift) + out_zp;                         \
            out[i] = (out_t)te_clamp(v, lo, hi);                                           \
        }                                                                                  \
    }

TE_REQUANTIZE_S16_DEF(te_requantize_s16_s8, int16_t, int8_t, -128, 127)
TE_REQUANTIZE_S16_DEF(te_requantize_s16_s16, int16_t, int16_t, TE_INT16_MIN, TE_INT16_MAX)
TE_REQUANTIZE_S16_DEF(te_requantize_s16_s32, int16_t, int32_t, INT32_MIN, INT32_MAX)
TE_REQUANTIZE_S16_DEF(te_requantize_s8_s16, int8_t, int16_t, TE_INT16_MIN, TE_INT16_MAX)
TE_REQUANTIZE_S16_DEF(te_requantize_s32_s16, int32_t, int16_t, TE_INT16_MIN, TE_INT16_MAX)
