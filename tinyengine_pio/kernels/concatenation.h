#ifndef TE_CONCATENATION_H_
#define TE_CONCATENATION_H_
#include <stdint.h>

void te_concat_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t chunk, int32_t out_chunk);

#endif
