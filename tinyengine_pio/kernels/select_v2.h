#ifndef TE_SELECT_V2_H_
#define TE_SELECT_V2_H_
#include <stdint.h>

/* SELECT_V2 on bytes: out = cond ? x : y element by element (`elem` bytes each) over a 4-D loop
 * nest with per-operand element strides (0 = broadcast). */
void te_select_v2(const uint8_t *cond, const int8_t *x, const int8_t *y, int8_t *out,
                  int32_t d0, int32_t d1, int32_t d2, int32_t d3,
                  int32_t c0, int32_t c1, int32_t c2, int32_t c3,
                  int32_t x0, int32_t x1, int32_t x2, int32_t x3,
                  int32_t y0, int32_t y1, int32_t y2, int32_t y3, int32_t elem);

#endif
