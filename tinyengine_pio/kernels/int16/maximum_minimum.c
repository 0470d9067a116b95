/* MAXIMUM and MINIMUM int16: TFLM's maximum_minimum.cc TFLiteOperation<int16_t>, the raw
 * values compared (no requantization, whatever the quantizations), broadcasting. */
#include "maximum_minimum_s16.h"

TE_MAXMIN_S16_DECL(te_maximum_s16) {
    TE_BROADCAST_4D_T(int16_t, int16_t, *out++ = x > y ? x : y;);
}

TE_MAXMIN_S16_DECL(te_minimum_s16) {
    TE_BROADCAST_4D_T(int16_t, int16_t, *out++ = x < y ? x : y;);
}
