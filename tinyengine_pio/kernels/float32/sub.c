/* SUB float32 over a 4-D loop nest with per-input strides (0 = broadcast): TFLM's float
 * BroadcastSubSlow / SubWithActivation, one subtraction and the activation clamp per element. */
#include "sub_f32.h"
#include "te_float.h"

void te_sub_f32(const float *a, const float *b, float *out,
                int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                int32_t b0, int32_t b1, int32_t b2, int32_t b3, float lo, float hi) {
    TE_BROADCAST_4D_T(float, float, *out++ = te_clampf(x - y, lo, hi););
}
