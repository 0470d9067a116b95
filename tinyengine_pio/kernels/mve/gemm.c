/* The Helium GEMM (TE_MVE): the asm loop is in te_asm.h, the operand layouts in
 * layouts/mve.py (te_layouts.h). */
#include "gemm.h"
#include "te_asm.h"
#include "te_isa.h"

#if TE_MVE
/* out[p][r] = requant(row r . x[p]) (1x1 CONV_2D pixels, im2col columns or FULLY_CONNECTED
 * batch rows), four rows a turn: per chunk of 16 k one load of x and of each row, VMLADAVA
 * (16 MACs) into the even registers it needs, in a tail-predicated loop (DLSTP / LETP: the
 * last, partial chunk of x is never read past k); then the four sums requantized as one vector
 * (VRMULH = SMMULR per lane, cc, the sign fix and the shift as in te_rq_fast), clamped and
 * stored as bytes, only the rows that exist. w: mve_rows() layout; rq per group {2 bias x4,
 * m x4, cc x4, -e x4}. */
void te_gemm_mve(const int8_t *x, int32_t pixels, int32_t k, const int8_t *w,
                 const int32_t *rq, int8_t *out, int32_t rows, int32_t lo, int32_t hi) {
    const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
    const int32_t chunks = (k + 15) >> 4;
    int32_t p, r;
    for (p = 0; p < pixels; ++p, x += k, out += rows) {
        const int8_t *wg = w;
        const int32_t *rg = rq;
        for (r = 0; r < rows; r += TE_MVE_ROWS, wg += chunks * (TE_MVE_ROWS * TE_MVE_K_CHUNK),
             rg += TE_MVE_RQ) {
            register int32_t a0 __asm__("r0") = 0;   /* VMLADAV wants even registers */
            register int32_t a1 __asm__("r2") = 0;
            register int32_t a2 __asm__("r4") = 0;
            register int32_t a3 __asm__("r6") = 0;
            const int8_t *xp = x, *wp = wg;
            int32x4_t acc, y;
            TE_MVE_GEMV4_LOOP();
            acc = vsetq_lane_s32(a0, vdupq_n_s32(a1), 0);
            acc = vsetq_lane_s32(a2, acc, 2);
            acc = vsetq_lane_s32(a3, acc, 3);
            acc = vaddq_s32(vaddq_s32(acc, acc), vldrwq_s32(rg));           /* acc2 */
            y = vaddq_s32(vrmulhq_s32(acc, vldrwq_s32(rg + 4)), vldrwq_s32(rg + 8));
            y = vshlq_s32(vaddq_s32(y, vshrq_n_s32(acc, 31)), vldrwq_s32(rg + 12));
            y = vminq_s32(vmaxq_s32(y, vlo), vhi);
            vstrbq_p_s32(out + r, y, vctp32q((uint32_t)(rows - r)));
        }
    }
}
#endif

