/* Data movement on bytes for elements of several bytes: the int8 kernels' loops (transpose.c,
 * pad.c) with the element as a contiguous run. Nothing is computed, so every dtype's result is
 * its input's bytes, as TFLM's reference Transpose / StridedSlice / Slice / Split / Unpack /
 * DepthToSpace / SpaceToDepth / Pad copy them. */
#include "movement.h"
#include "te_isa.h"

void te_strided_copy(const int8_t *in, int8_t *out, int32_t n0, int32_t s0, int32_t n1,
                     int32_t s1, int32_t n2, int32_t s2, int32_t n3, int32_t s3, int32_t run) {
    int32_t a, b, c, d;
    for (a = 0; a < n0; ++a) {
        for (b = 0; b < n1; ++b) {
            for (c = 0; c < n2; ++c) {
                const int8_t *p = in + a * s0 + b * s1 + c * s2;
                for (d = 0; d < n3; ++d) {
                    te_copy(out, p + d * s3, run);
                    out += run;
                }
            }
        }
    }
}

void te_pad_pattern(const int8_t *in, int8_t *out, int32_t i0, int32_t i1, int32_t i2,
                    int32_t i3, int32_t o0, int32_t o1, int32_t o2, int32_t o3, int32_t p0,
                    int32_t p1, int32_t p2, int32_t p3, const int8_t *value, int32_t elem) {
    int32_t a, b, c, n = o0 * o1 * o2 * o3;
    for (a = 0; a < n; a += elem) {
        te_copy(out + a, value, elem);
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
