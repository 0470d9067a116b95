#ifndef TE_GATHER_H_
#define TE_GATHER_H_
#include <stdint.h>

/* GATHER int8, int32 indices: for each batch, outer block and index, `inner` bytes copied from
 * the indexed slot of `axis_size`; an index outside [0, axis_size) writes `fill` instead. */
void te_gather_s8(const int8_t *in, const int32_t *idx, int8_t *out, int32_t batch,
                  int32_t outer, int32_t axis_size, int32_t coords, int32_t inner, int32_t fill);

#endif
