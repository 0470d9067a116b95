#include "lut.h"

void te_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *table) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = table[in[i] + 128];
    }
}
