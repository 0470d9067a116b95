/* TEMPLATE (docs/ADDING_AN_OPERATOR.md): copy to tinyengine_pio/kernels/portable/<stem>.c and
 * replace FOO_BAR / foo_bar.
 *
 * FOO_BAR, portable C99: bit-exact with TFLM's <reference kernel> (name it). Integer arithmetic
 * only, through te_common.h's TFLite-exact helpers (te_isa.h includes it; every kernel source
 * includes te_isa.h); no malloc, no globals, no float (unless the op sits at a float model
 * boundary), no ISA #if (DSP / Helium twins go to kernels/dsp/ and kernels/mve/). Every argument is a literal in the generated call; all host math was done by
 * the op's prepare(). Builds warning-free with -std=c99 -Wall -Wextra -Werror -pedantic under
 * host gcc and arm-none-eabi-gcc. */
#include "foo_bar.h"
#include "te_isa.h"

void te_foo_bar_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t mult,
                   int32_t shift, int32_t out_off, int32_t act_min, int32_t act_max) {
    int32_t i;
    for (i = 0; i < n; ++i) { /* element i read, then element i written: in == out is safe */
        out[i] = te_out8(in[i] - in_zp, mult, shift, out_off, act_min, act_max);
    }
}
