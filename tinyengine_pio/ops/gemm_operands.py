"""Operands of the GEMM kernels shared by CONV_2D and FULLY_CONNECTED: the DSP (TE_FAST) and
Helium (TE_MVE) packed weights and requantization blocks (layouts/), and the portable call's."""
from __future__ import annotations

import numpy as np

from ..ir import Operator
from ..layouts import mve_rows, mve_rq, pack_rows, rq_blocks
from ..layouts.gemm import K_BLOCK
from ..quant import multiply_by_quantized_multiplier
from .quantized import fast_requant


def fast_gemm_constants(p, w2d: np.ndarray, optimize: str):
    """(bias, m, cc, e) per row of the TE_FAST / TE_MVE GEMMs of a CONV_2D / FULLY_CONNECTED
    whose input offset is folded into the bias, or None where the fast requantization would not
    be exact (the op then runs its portable-path kernel in every build). Rows whose weights are
    all zero (pruned channels, often with a huge bias and shift) output a constant: computed
    here, then produced exactly by m = 0, e = 1, cc = 2 * value and a zero bias. `p`: the op's
    RequantFields (offset already folded)."""
    if optimize == "size" or p.in_off != 0:
        return None
    w = w2d.astype(np.int64)
    live = np.abs(w).sum(axis=1) != 0
    bias = p.bias.astype(np.int64)
    bound = np.abs(bias) + 128 * np.abs(w).sum(axis=1)
    fast = fast_requant(bound[live], p.mult[live], p.shift[live], p.out_off)
    if fast is None:
        return None
    m, cc, e = np.zeros(len(bias), np.int64), np.zeros(len(bias), np.int64), np.ones(len(bias), np.int64)
    m[live], cc[live], e[live] = fast
    for r in np.flatnonzero(~live):
        y = multiply_by_quantized_multiplier(int(bias[r]), int(p.mult[r]), int(p.shift[r]))
        cc[r] = 2 * min(max(y + p.out_off, p.act_min), p.act_max)
    return np.where(live, bias, 0), m, cc, e


def fast_gemm_operands(ctx, op: Operator, w2d: np.ndarray, k, group: int,
                       doubled: bool = True, cond: str = "TE_FAST"):
    """(packed weights, rq) names for the TE_FAST (DSP) GEMMs (gemm.c), emitted under `cond`,
    from k = params.fast (fast_gemm_constants), or None where that is None."""
    if k is None:
        return None
    bias, m, cc, e = k
    return (ctx.cond_const(pack_rows(w2d, group), "uint32_t", f"wp{op.index}", cond),
            ctx.cond_const(rq_blocks(bias, (m, cc, e), group, doubled), "int32_t", f"rq{op.index}",
                           cond))


def mve_gemm_operands(ctx, op: Operator, w2d: np.ndarray, k):
    """(weights, rq) names for te_gemm_mve (Cortex-M55 Helium, under TE_MVE) from
    k = params.fast (fast_gemm_constants), or None where that is None: rq per group of four rows
    {2 * bias x4, m x4, cc x4, -e x4} (the vector requantization)."""
    if k is None:
        return None
    return (ctx.cond_const(mve_rows(w2d), "int8_t", f"wm{op.index}", "TE_MVE"),
            ctx.cond_const(mve_rq(*k), "int32_t", f"rqm{op.index}", "TE_MVE"))


def portable_operands(ctx, op: Operator, fast, bias=None) -> tuple[str, str, str, str]:
    """Weights, bias (default the op's), multipliers and shifts of the portable kernel call.
    With a TE_FAST twin (`fast` not None) they exist only in the other builds (an unused static
    const warns)."""
    p = op.params
    if fast is None:
        const, w = ctx.const, ctx.ptr(op.inputs[1])
    else:
        const, w = (lambda v, t, h: ctx.cond_const(v, t, h, "!TE_FAST")), ctx.plain_ptr(op.inputs[1])
    return (w, const(p.bias if bias is None else bias, "int32_t", f"bias{op.index}"),
            const(p.mult, "int32_t", f"mult{op.index}"),
            const(p.shift, "int32_t", f"shift{op.index}"))


def fast_scratch_bytes(k: int, columns: int) -> int:
    """Bytes of the doubled int16 columns of the TE_FAST GEMMs: per column and block of
    K_BLOCK k, K_BLOCK int16 lanes."""
    return K_BLOCK * 2 * columns * (-(-k // K_BLOCK))
