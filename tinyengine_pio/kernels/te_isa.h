/* The one place where kernel code picks an instruction set. Every kernel source includes it.
 *
 * - portable/<op>.c: plain C99. The SIMD inner loops of gemm.c, conv_2d.c and
 *   depthwise_conv_2d.c (TE_SIMD_*) come from dsp/te_dsp.h when the target has the DSP
 *   extension and are empty here otherwise.
 * - dsp/<op>.c: TE_FAST kernels (DSP extension, --optimize speed, host-packed operands);
 *   mve/<op>.c: TE_MVE kernels (Cortex-M55 / M85 Helium). Each is empty in other builds.
 * - Which variant a model runs is chosen by the generated code only: the #if TE_MVE /
 *   TE_FAST ladders in model.c (EmitContext.dispatch). No kernel dispatches at run time. */
#ifndef TE_ISA_H_
#define TE_ISA_H_

#include "te_common.h"
#include "te_layouts.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include "te_dsp.h"
#else
#define TE_SIMD_GEMM_PAIR(a, b, w0, w1, two_c, k_len, k, a0, a1, b0, b1) do { } while (0)
#define TE_SIMD_CONV_DECL(off2, in_off)
#define TE_SIMD_CONV_TAPS(px, wp, f_c, ic, off2, acc)
#define TE_SIMD_DW_CORE()
#endif

#if TE_MVE
#include <arm_mve.h>
#endif

#endif /* TE_ISA_H_ */
