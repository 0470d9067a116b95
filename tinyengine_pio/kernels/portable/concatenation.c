/* One input of a CONCATENATION: `outer` blocks of `chunk` bytes, output row pitch out_chunk. */
#include "concatenation.h"
#include "te_isa.h"

void te_concat_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t chunk, int32_t out_chunk) {
    int32_t o;
    for (o = 0; o < outer; ++o) {
        te_copy(out + o * out_chunk, in + o * chunk, chunk);
    }
}
