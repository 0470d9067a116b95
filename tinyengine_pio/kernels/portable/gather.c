/* GATHER int8 with int32 indices, portable C99: bit-exact with TFLM's gather.cc Gather<int8_t,
 * int32_t> (batch, outer, coordinate loops, one memcpy of `inner` elements each). TFLM leaves an
 * index outside [0, axis_size) undefined (a DCHECK only); here it never reads outside the input
 * and writes `fill` (the input's zero point: the value 0) instead. */
#include "gather.h"
#include "te_isa.h"

void te_gather_s8(const int8_t *in, const int32_t *idx, int8_t *out, int32_t batch,
                  int32_t outer, int32_t axis_size, int32_t coords, int32_t inner, int32_t fill) {
    int32_t b, o, c, j;
    for (b = 0; b < batch; ++b) {
        for (o = 0; o < outer; ++o) {
            const int8_t *src = in + (b * outer + o) * axis_size * inner;
            for (c = 0; c < coords; ++c) {
                const int32_t k = idx[b * coords + c];
                if (k >= 0 && k < axis_size) {
                    te_copy(out, src + k * inner, inner);
                } else {
                    for (j = 0; j < inner; ++j) {
                        out[j] = (int8_t)fill;
                    }
                }
                out += inner;
            }
        }
    }
}
