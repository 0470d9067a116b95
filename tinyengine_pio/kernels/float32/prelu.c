/* PRELU float32 over a 4-D loop nest with per-input strides (0 = broadcast), a the input and b
 * the alpha tensor: TFLM's BroadcastPrelu4DSlowFloat, `x >= 0 ? x : x * alpha`. */
#include "prelu_f32.h"
#include "te_float.h"

void te_prelu_f32(const float *a, const float *b, float *out,
                  int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                  int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                  int32_t b0, int32_t b1, int32_t b2, int32_t b3) {
    TE_BROADCAST_4D_T(float, float, *out++ = (x >= 0.0f) ? x : x * y;);
}
