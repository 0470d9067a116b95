/* SELECT_V2 (TFLM select.cc, reference_ops::Select / BroadcastSelect5DSlow): a copy of x's or
 * y's element per output element, whatever its type. */
#include "select_v2.h"
#include "te_isa.h"

void te_select_v2(const uint8_t *cond, const int8_t *x, const int8_t *y, int8_t *out,
                  int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                  int32_t c0, int32_t c1, int32_t c2, int32_t c3,
                  int32_t x0, int32_t x1, int32_t x2, int32_t x3,
                  int32_t y0, int32_t y1, int32_t y2, int32_t y3, int32_t elem) {
    int32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < d0; ++i0) {
        for (i1 = 0; i1 < d1; ++i1) {
            for (i2 = 0; i2 < d2; ++i2) {
                const int32_t c = i0 * c0 + i1 * c1 + i2 * c2;
                const int32_t xo = i0 * x0 + i1 * x1 + i2 * x2;
                const int32_t yo = i0 * y0 + i1 * y1 + i2 * y2;
                for (i3 = 0; i3 < d3; ++i3) {
                    const int8_t *src = cond[c + i3 * c3] ? x + (xo + i3 * x3) * elem
                                                          : y + (yo + i3 * y3) * elem;
                    te_copy(out, src, elem);
                    out += elem;
                }
            }
        }
    }
}
