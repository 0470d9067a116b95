#ifndef TE_PAD_H_
#define TE_PAD_H_
#include <stdint.h>

void te_pad_s8(const int8_t *in, int8_t *out, int32_t i0, int32_t i1, int32_t i2, int32_t i3,
               int32_t o0, int32_t o1, int32_t o2, int32_t o3,
               int32_t p0, int32_t p1, int32_t p2, int32_t p3, int32_t value);

#endif
