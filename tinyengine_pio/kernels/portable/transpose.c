#include "transpose.h"

void te_transpose_s8(const int8_t *in, int8_t *out, int32_t n0, int32_t s0, int32_t n1, int32_t s1,
                     int32_t n2, int32_t s2, int32_t n3, int32_t s3) {
    int32_t a, b, c, d;
    for (a = 0; a < n0; ++a) {
        for (b = 0; b < n1; ++b) {
            for (c = 0; c < n2; ++c) {
                const int8_t *p = in + a * s0 + b * s1 + c * s2;
                for (d = 0; d < n3; ++d) {
                    *out++ = p[d * s3];
                }
            }
        }
    }
}
