/* TEMPLATE (docs/ADDING_AN_OPERATOR.md): copy to tinyengine_pio/kernels/<stem>.h and replace
 * FOO_BAR / foo_bar. The declarations of every variant of the operator's kernels. */
#ifndef TE_FOO_BAR_H_
#define TE_FOO_BAR_H_
#include <stdint.h>

/* out[i] = clamp(out_off + requant(in[i] - in_zp, mult, shift), act_min, act_max), i < n;
 * in == out allowed (the planner may run it in place: ops/<stem>.py access()). */
void te_foo_bar_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                   int32_t shift, int32_t out_off, int32_t act_min, int32_t act_max);

#endif
