"""CONV_2D's Winograd variant: integer-exact F(2x2, 3x3) for dense 3x3, stride 1, dilation 1
convs (the host side: eligibility, the transformed filters, the int32 / int16 bounds, the
operands and the call; kernels in portable/conv_2d.c and dsp/conv_2d_winograd.h).

With G' = 2G the transformed filter U = G' g G'^T is integer (4x the textbook one), the input
tile's V = B^T d B is integer, and Y = A^T (sum over in_c of U . V) A is 4x the direct 2x2
output tile, so acc = Y / 4 (an exact shift) + bias: the direct conv's accumulator, bit for bit,
and the same requantization. The tile d is the raw input with padding read as the input zero
point, and the bias the one with the input offset folded in (im2col's convention), so the
accumulator equals the GEMM variants' and their rq constants (params.fast) apply unchanged.

The choice never changes output bytes; it is taken per layer where the instruction estimate
(`winograd_wins`, calibrated on the M4 benchmark) says it is faster, or forced with the compile
config key / environment variable `conv_algorithm` / TE_CONV_ALGORITHM ("winograd": wherever
eligible, "direct": never)."""
from __future__ import annotations

import os

import numpy as np

# F(2x2, 3x3) transforms, scaled to integers (G' = 2 G)
BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], np.int64)
G2 = np.array([[2, 0, 0], [1, 1, 1], [1, -1, 1], [0, 0, 2]], np.int64)
AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], np.int64)
INT32 = 1 << 31
ROWS = 4             # output channels per group of the DSP kernel's GEMMs (and its rq)


def forced(g) -> str | None:
    """'winograd', 'winograd1' (one tile at a time), 'direct' or None (the per-layer rule)
    from the config / environment."""
    v = g.config.get("conv_algorithm") or os.environ.get("TE_CONV_ALGORITHM") or None
    return v if v in ("winograd", "winograd1", "direct") else None


def transformed_filter(w: np.ndarray) -> np.ndarray:
    """U [16, out_c, in_c] int64 (position 4 r + c of the 4x4 tile) of filter OHWI w (3x3)."""
    u = np.einsum("ik,okla,jl->oija", G2, w.astype(np.int64), G2)   # [oc, 4, 4, ic]
    return u.transpose(1, 2, 0, 3).reshape(16, w.shape[0], w.shape[3])


def input_bound(zp: int) -> int:
    """max |d| of a tile: raw int8 input, padding = the zero point."""
    return max(128, abs(zp))


def bounds_ok(u: np.ndarray, zp: int) -> bool:
    """Every intermediate fits: U and V in int16 (SMLAD operands), each position's sum over
    in_c and the output transform's partial sums (at most 9 of them) in int32."""
    d = input_bound(zp)
    v_max = 4 * 2 * d                     # two +-1 taps per row of B^T, in both directions
    if np.abs(u).max(initial=0) >= 1 << 15 or v_max >= 1 << 15:
        return False
    m_max = v_max * np.abs(u).sum(axis=2).max(initial=0)          # per position, per row
    return int(m_max) * 9 < INT32


def eligible(g, op, p) -> bool:
    """Dense 3x3, stride 1, dilation 1, batch 1, the GEMMs' folded-offset convention
    (algorithm im2col), and every bound holding."""
    if not (p.algorithm == "im2col" and p.k_h == p.k_w == 3 and p.stride_h == p.stride_w == 1
            and p.dil_h == p.dil_w == 1 and p.batches == 1 and p.f_c == p.in_c):
        return False
    return bounds_ok(transformed_filter(g.t(op.inputs[1]).data), p.pad_value)


def tiles(p) -> int:
    return -(-p.out_h // 2) * -(-p.out_w // 2)


def winograd_instructions(p, pairs: bool = False) -> float:
    """Cortex-M4 instructions of te_conv_2d_winograd_fast, per tile: per row and int16 lane
    (the SMLAD loops: 16.6 with tile pairs, 23.7 one tile at a time), per row (the position
    loop, output transform and requantization: 205 / 226) and a constant (input transform
    and setup: 1336 / 1377); least squares over the 11 eligible layers of ic_resnet8,
    ic_resnet_large and mnist_resnet (all within 1.7 %)."""
    kp, ocp = -(-p.in_c // 4) * 4, -(-p.out_c // ROWS) * ROWS
    if pairs:
        return tiles(p) * (16.6 * ocp * kp + 205 * ocp + 1336)
    return tiles(p) * (23.7 * ocp * kp + 226 * ocp + 1377)


def winograd_wins(g, op, options: list) -> bool:
    """One tile at a time (the wide option's kernel) estimated faster than the cost model's
    prediction for each of the op's other options but the fallback; in_c a multiple of 4 (a
    partial channel block is gathered byte by byte: the first layers, in_c 1 to 3, lost
    1.6-1.9x against the padded-rows GEMM)."""
    from dataclasses import replace

    from ..costmodel import predict_layer
    return op.params.in_c % 4 == 0 and all(winograd_instructions(op.params) < predict_layer(g, replace(op, memory=o))
               for o in options if o.role != "fallback")


def scratch_bytes(p, pairs: bool = False) -> int:
    """V, 16 positions x in_c rounded up to 4, int16, of one tile, or of two for the DSP
    kernel's faster tile pairs (where it runs: params.fast). The Helium build's two im2col
    columns (18 in_c bytes) fit in either."""
    return (2 if pairs and p.fast is not None else 1) * 16 * (-(-p.in_c // 4) * 4) * 2


def uses_pairs(op) -> bool:
    """Does the op's DSP kernel take tile pairs (its scratch holds two tiles' V)?"""
    p = op.params
    return op.memory.scratch >= scratch_bytes(p, pairs=True) > scratch_bytes(p)


def fast_filter(u: np.ndarray) -> np.ndarray:
    """U for te_conv_2d_winograd_fast: per group of ROWS rows, per position, per int16 pair
    of in_c (the lanes of SXTB16 / SXTB16 ROR 8: channels 4b, 4b+2 then 4b+1, 4b+3), the
    rows' words side by side; in_c and rows zero-padded to 4."""
    _, oc, ic = u.shape
    kp, ocp = -(-ic // 4) * 4, -(-oc // ROWS) * ROWS
    padded = np.zeros((16, ocp, kp), np.int64)
    padded[:, :oc, :ic] = u
    order = (np.arange(kp) // 4) * 4 + np.tile([0, 2, 1, 3], kp // 4)
    lanes = np.ascontiguousarray(padded[:, :, order].astype("<i2"))      # [16, ocp, kp]
    words = lanes.view("<u4").reshape(16, ocp // ROWS, ROWS, kp // 2)
    return np.ascontiguousarray(words.transpose(1, 0, 3, 2)).reshape(-1)


def access(g, op) -> list:
    """Safe for both kernels the variant runs (Winograd tiles; the Helium build's im2col pixel
    pairs), by rows and tile rows: output row oy is written during tile row oy // 2; input row
    r is read until tile row (r + pad_t + 1) // 2 (the last tile row covering it, or the im2col
    pair reaching into the next output row); writes wait for the reads of earlier tile rows."""
    from ..planner.overlap import Access, AccessPattern
    p = op.params
    last = (np.arange(p.in_h, dtype=np.int64) + p.pad_t + 1) // 2
    write = np.arange(p.out_h, dtype=np.int64) // 2
    return [Access(0, AccessPattern(p.in_w * p.in_c, p.out_w * p.out_c, last, p.out_h, False,
                                    write))]


def emit_winograd(ctx, op) -> None:
    """The call: the DSP kernel (TE_FAST without Helium, where params.fast exists) with U in
    words and the GEMMs' rq (layouts/gemm.py, groups of ROWS rows); TE_MVE builds run the
    im2col GEMM (Winograd's DSP kernel is slower there: ic_resnet8 on the M55 7.95M
    instructions against 5.66M); the portable one with U as int16 [16][out_c][in_c]
    and the folded bias, multipliers and shifts (only in the other builds where both exist)."""
    from ..layouts import rq_blocks
    from ..variants import variant
    from .gemm_operands import mve_gemm_operands
    p = op.params
    u = transformed_filter(ctx.g.t(op.inputs[1]).data)
    if p.fast is None:
        def plain_const(v, t, h):
            return ctx.const(v, t, h)
    else:
        def plain_const(v, t, h):
            return ctx.cond_const(v, t, h, "!TE_FAST")
    src, dst, clamp = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), (p.act_min, p.act_max)
    geometry = (p.pad_t, p.pad_l, dst, p.out_h, p.out_w, p.out_c, p.pad_value)
    plain = ("te_conv_2d_winograd_s8", src, p.in_h, p.in_w, p.in_c,
             plain_const(u.astype(np.int16), "int16_t", f"wu{op.index}"),
             plain_const(p.bias, "int32_t", f"bias{op.index}"), *geometry, p.out_off,
             plain_const(p.mult, "int32_t", f"mult{op.index}"),
             plain_const(p.shift, "int32_t", f"shift{op.index}"), *clamp,
             ctx.arena_ptr(op.scratch_offset, "int16_t"))
    dsp = mve = None
    if p.fast is not None:
        b, m, cc, e = p.fast
        cond = "TE_FAST && !TE_MVE"         # Helium builds run the im2col GEMM (faster there)
        dsp = ("te_conv_2d_winograd_fast", src, p.in_h, p.in_w, p.in_c,
               ctx.cond_const(fast_filter(u), "uint32_t", f"wu{op.index}", cond),
               ctx.cond_const(rq_blocks(b, (m, cc, e), ROWS, True), "int32_t", f"rq{op.index}",
                              cond),
               *geometry,
               ctx.cond_const(np.full(p.in_c, p.pad_value, np.int8), "int8_t", f"zp{op.index}",
                              cond), *clamp, ctx.arena_ptr(op.scratch_offset, "uint32_t"),
               int(uses_pairs(op)))
        w2d = ctx.g.t(op.inputs[1]).data.reshape(p.out_c, -1)
        wm, rqm = mve_gemm_operands(ctx, op, w2d, p.fast)
        mve = ("te_conv_2d_im2col_mve", src, p.in_h, p.in_w, p.in_c, wm, rqm, p.k_h, p.k_w,
               *p.geometry(), dst, p.out_h, p.out_w, p.out_c, p.pad_value, *clamp,
               ctx.arena_ptr(op.scratch_offset))
    ctx.dispatch(variant("mve", mve), variant("dsp", dsp), variant("portable", plain))


FLASH_BUDGET = 48 * 1024   # extra bytes of transformed filters per model (config winograd_flash)


def extra_flash(p) -> int:
    """Flash the variant adds to a layer: U, 16 x out_c x in_c int16, in place of the 9 x out_c
    x in_c int8 weights of the GEMM it replaces (3.56x the layer's weights)."""
    return (16 * 2 - 9) * p.out_c * p.in_c


def within_flash(g, op, options: list) -> bool:
    """Is `op` among the layers the automatic choice may give Winograd within the model's flash
    budget (g.config["winograd_flash"], default FLASH_BUDGET)? Candidates (eligible, winning)
    go by instructions saved per extra byte, best first, while their extra flash fits: the
    issue's line is flash no larger than TFLM's, whose runtime alone is about 100 KB."""
    from dataclasses import replace

    from ..costmodel import predict_layer
    from .conv_2d import memory_options  # the options without Winograd
    budget = g.config.get("winograd_flash", FLASH_BUDGET)
    if budget is None:
        return True
    ranked = []
    for other in g.operators:
        q = other.params
        if other.kind != "CONV_2D" or other.dtype != "int8" or not eligible(g, other, q):
            continue
        if q.in_c % 4 != 0:
            continue
        opts = options if other is op else memory_options(g, other)
        best = min((predict_layer(g, replace(other, memory=o)) for o in opts
                    if o.role != "fallback"), default=0)
        saved = best - winograd_instructions(q)
        if saved > 0:
            ranked.append((-saved / extra_flash(q), other.index, other))
    used = 0
    for _, _, other in sorted(ranked, key=lambda r: r[:2]):
        cost = extra_flash(other.params)
        if used + cost > budget:
            continue
        used += cost
        if other is op:
            return True
    return False


def with_winograd(g, op, options: list) -> list:
    """CONV_2D's memory options with the Winograd variant added where it applies: alone where
    forced (tile pairs), else as the wide option (one tile at a time, scratch no larger than
    the im2col int16 columns it replaces; taken only where the arena does not grow) where
    winograd_wins estimates fewer instructions."""
    from ..ir import MemoryOption
    p = op.params
    force = forced(g)
    if force == "direct" or g.in_stage(op) or not eligible(g, op, p):    # stages: row slices
        return options
    scratch = scratch_bytes(p)
    if force in ("winograd", "winograd1"):  # tile pairs where the DSP kernel runs, or not
        return [MemoryOption("winograd", scratch_bytes(p, pairs=force == "winograd"))]
    if not winograd_wins(g, op, options) or not within_flash(g, op, options):
        return options
    return [o for o in options if o.role != "wide"] + [MemoryOption("winograd", scratch,
                                                                    role="wide")]
