/* PAD int8 over 4-D: out = value everywhere, input block copied at offset (p0..p3). */
#include "pad.h"
#include "te_isa.h"

void te_pad_s8(const int8_t *in, int8_t *out, int32_t i0, int32_t i1, int32_t i2, int32_t i3,
               int32_t o0, int32_t o1, int32_t o2, int32_t o3,
               int32_t p0, int32_t p1, int32_t p2, int32_t p3, int32_t value) {
    int32_t a, b, c, n = o0 * o1 * o2 * o3;
    for (a = 0; a < n; ++a) {
        out[a] = (int8_t)value;
    }
    for (a = 0; a < i0; ++a) {
        for (b = 0; b < i1; ++b) {
            for (c = 0; c < i2; ++c) {
                te_copy(out + (((a + p0) * o1 + b + p1) * o2 + c + p2) * o3 + p3,
                        in + ((a * i1 + b) * i2 + c) * i3, i3);
            }
        }
    }
}
