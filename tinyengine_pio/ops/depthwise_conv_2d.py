"""DEPTHWISE_CONV_2D: int8, per-channel or per-tensor, any depth multiplier."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, MemoryOption, Operator
from ..layouts.depthwise import GROUP as DW_GROUP
from ..layouts.depthwise import LANES as DW_LANES
from ..layouts.depthwise import (
    RING_MAX_W,
    dw_rq,
    dw_taps,
    fir_bytes,
    fir_taps,
    inplace_plane_bytes,
    inplace_transposed,
    ring_bytes,
    ring_rq,
    ring_taps,
)
from ..planner.overlap import Access, channel_inplace
from ..stages.rows import window_rows
from ..variants import KernelCall
from .base import (
    OpDef,
    activation_name,
    options_table,
    padding_name,
    register,
    require,
)
from .quantized import (
    RequantFields,
    check_filter,
    fast_requant,
    fold_offset,
    requant_fields,
)
from .signature import FILTER_BIAS, Operand, Signature, check_accumulator, check_bias
from .signature import check as check_that
from .window import WindowParams, check_window, window_access, window_fields

SIGNATURE = Signature((Operand("input", ranks=(4,)),
                       Operand("filter", ranks=(4,), const=True, per_channel=3), *FILTER_BIAS))


@dataclass
class DepthwiseParams(WindowParams, RequantFields):
    depth_mult: int
    out_c: int
    # finalize(): the bias with the input offset's share of every tap (int32 wrap, as the
    # accumulator), for the pixels whose taps are all inside the input
    full_bias: np.ndarray | None = None
    # `fast` (RequantFields): the _dsp / _mve kernels' (unwrapped full bias, m, cc, e) or None


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.DepthwiseConv2DOptions)
    return dict(padding=padding_name(o.Padding()), stride_w=o.StrideW(), stride_h=o.StrideH(),
                depth_multiplier=o.DepthMultiplier(), dilation_w=o.DilationWFactor(),
                dilation_h=o.DilationHFactor(), activation=activation_name(o.FusedActivationFunction()))


def check(g: Graph, op: Operator) -> None:
    check_shapes(g, op)
    _, k_h, k_w, _ = g.t(op.inputs[1]).shape
    check_accumulator(g, op, k_h * k_w, 2)


def check_shapes(g: Graph, op: Operator) -> None:
    """A [1, H, W, in_c x multiplier] filter, the bias, the window and output shape (every
    dtype)."""
    in_c = g.t(op.inputs[0]).shape[3]
    one, k_h, k_w, oc = g.t(op.inputs[1]).shape
    check_that(one == 1, op, f"the filter's first dimension is {one}, expected 1")
    check_that(in_c >= 1 and oc % in_c == 0, op,
               f"filter channels {oc} are not a multiple of the input's {in_c}")
    check_bias(g, op, 2, oc)
    check_window(g, op, k_h, k_w, oc)


def prepare(g: Graph, op: Operator) -> None:
    inp, w, out = check_filter(g, op, quant_dim=3)
    in_c = inp.shape[3]
    _, k_h, k_w, oc = w.shape
    require(oc % in_c == 0, op, f"filter channels {oc} not a multiple of input channels {in_c}")
    require(out.shape[3] == oc, op, "output channels differ from filter channels")
    op.params = DepthwiseParams(**window_fields(g, op, k_h, k_w), **requant_fields(g, op, oc),
                                depth_mult=oc // in_c, out_c=oc)


def _planar_3x3(p: DepthwiseParams) -> bool:
    """The planar kernels' shapes: 3x3, dilation 1, stride 1, depth multiplier 1, one batch,
    the fast operands."""
    return (p.fast is not None and p.batches == 1 and p.depth_mult == 1
            and (p.k_h, p.k_w, p.dil_h, p.dil_w, p.stride_h, p.stride_w) == (3, 3, 1, 1, 1, 1))


def uses_ring(p: DepthwiseParams) -> bool:
    """The row-ring DSP kernel applies, and wins: 3x3, dilation 1, stride 1, depth multiplier
    1, the fast operands, rows wide enough for its per-row setup (6 to RING_MAX_W outputs;
    kws's 5-wide rows run faster in place, transposed: 3.63 against 4.23).
    Measured on the M4 (vww): 3.0-3.35 instructions/MAC against 4.3-4.7 for the plain kernel
    on 48- to 12-wide rows, 3.99 against 4.86 on 6 x 6 (most pixels there are border pixels for
    the plain kernel); at stride 2 the kernel (it takes stride_w 2) widens four input bytes per
    output and loses (4.34 and 4.56 against 4.30 and 4.28)."""
    return _planar_3x3(p) and 6 <= p.out_w <= RING_MAX_W


def planar_inplace(p: DepthwiseParams) -> bool:
    """The in-place variant's DSP build runs te_depthwise_conv_2d_inplace_planar_dsp: 3x3,
    stride 1, dilation 1, the fast operands, rows (along the longer side) of 8 to RING_MAX_W
    outputs. Measured on the M4: kws's 25 x 5 planes 4.35 -> 3.63 instructions/MAC; on 6 x 6
    (vww) it only ties the four-channel kernel (4.45 vs 4.37), on 3 x 3 it loses."""
    return _planar_3x3(p) and 8 <= max(p.out_h, p.out_w) <= RING_MAX_W


def line_geometry(p: DepthwiseParams) -> tuple[int, int, int, int, int, int] | None:
    """A one-dimensional map as (len_in, len_out, k, stride, dil, pad): 1 x L x 1 x C with
    k x 1 taps, or 1 x 1 x L x C with 1 x k (one memory layout: L pixels of C channels), one
    batch; else None."""
    if p.batches != 1:
        return None
    if p.in_w == p.k_w == p.out_w == 1 and p.pad_l == 0:
        return p.in_h, p.out_h, p.k_h, p.stride_h, p.dil_h, p.pad_t
    if p.in_h == p.k_h == p.out_h == 1 and p.pad_t == 0:
        return p.in_w, p.out_w, p.k_w, p.stride_w, p.dil_w, p.pad_l
    return None


def uses_fir(p: DepthwiseParams) -> bool:
    """The FIR DSP kernel (te_depthwise_conv_2d_fir_dsp) applies and wins: a one-dimensional
    map (line_geometry), depth multiplier 1, the fast operands, any k, stride, dilation and
    padding, where each channel's row is reused enough to pay for its widening: two or more
    outputs, and four or more or len_out * k >= 16. Measured on the M4, instructions/MAC plain
    kernel -> FIR: sww 30 -> 28 k 3 13.71 -> 6.32, 28 -> 24 k 5 13.79 -> 4.45 (in place),
    24 -> 15 k 10 10.90 -> 3.13 (in place); 8 -> 4 k 5 11.6 -> 8.8, 16 -> 2 k 15 9.0 -> 6.9,
    10 -> 10 k 1 40 -> 22; it loses on single outputs (sww 15 -> 1 k 15: 8.7 against 11.5;
    5 -> 1 k 5 12.3 against 23.8) and on 6 -> 2 k 5 (11.9 against 14.0)."""
    geo = line_geometry(p)
    if p.fast is None or p.depth_mult != 1 or geo is None:
        return False
    len_out, k = geo[1], geo[2]
    return len_out >= 2 and (len_out >= 4 or len_out * k >= 16)


def memory_options(g: Graph, op: Operator) -> list[MemoryOption]:
    """--optimize size: "size" (TE_OPTIMIZE_SIZE: no unrolled interior path). Wide 3x3 rows:
    "ring" (planar through three input rows in scratch, no border case), one-dimensional maps
    "fir" (uses_fir), each with the plain kernel as the fallback where the scratch would cost
    the arena much (planner/policy.py). The in-place variant comes from the planner's pins (see
    access)."""
    if g.config.get("optimize") == "size":
        return [MemoryOption("size")]
    p: DepthwiseParams = op.params
    if uses_fir(p) and not g.in_stage(op):
        return [MemoryOption("fir", fir_bytes(*line_geometry(p)[1:5])),
                MemoryOption(None, role="fallback")]
    if uses_ring(p) and not g.in_stage(op):     # a stage's row slices: line buffers instead
        return [MemoryOption("ring", ring_bytes(p.in_c, p.out_w, p.stride_w)),
                MemoryOption(None, role="fallback")]
    return [MemoryOption(None)]


def fold_input_offset(g: Graph, op: Operator) -> None:
    """Where no tap falls into padding, fold the input offset into the bias."""
    p: DepthwiseParams = op.params
    if p.in_off and p.unpadded():
        w = g.t(op.inputs[1]).data.astype(np.int64)
        fold_offset(p, w.reshape(-1, w.shape[-1]).sum(axis=0))


def emit(ctx, op: Operator) -> None:
    p: DepthwiseParams = op.params
    inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
    bias = ctx.const(np.concatenate([p.bias.astype(np.int64), p.full_bias]), "int32_t",
                     f"bias{op.index}")
    mult = ctx.const(p.mult, "int32_t", f"mult{op.index}")
    shift = ctx.const(p.shift, "int32_t", f"shift{op.index}")
    inplace = op.memory.variant == "inplace"
    fir = op.memory.variant == "fir" or (inplace and uses_fir(p))
    fast = (None if op.memory.variant == "ring" or fir or (inplace and planar_inplace(p))
            else fast_operands(ctx, op))
    requant = (p.in_off, p.out_off, mult, shift, p.act_min, p.act_max)
    if inplace and (fir or planar_inplace(p)):
        args = (ctx.ptr(op.outputs[0]), p.in_h, p.in_w, p.in_c, ctx.ptr(op.inputs[1]), bias,
                p.k_h, p.k_w, *p.geometry(), p.out_h, p.out_w, *requant,
                ctx.arena_ptr(op.scratch_offset))
        if fir:
            dsp = fir_call(ctx, op, ctx.ptr(op.outputs[0]), ctx.ptr(op.outputs[0]))
        else:
            transposed = inplace_transposed(p.out_h, p.out_w)
            wr, rr = ring_operands(ctx, op, transposed)
            dsp = KernelCall("dsp", "te_depthwise_conv_2d_inplace_planar_dsp",
                             (ctx.ptr(op.outputs[0]), p.in_h, p.in_w, p.in_c,
                              ctx.ptr(op.inputs[1]), bias, p.pad_t, p.pad_l, p.out_h, p.out_w,
                              *requant, ctx.arena_ptr(op.scratch_offset), wr, rr,
                              int(transposed)))
        mve = fast_operands(ctx, op, "TE_MVE")
        ctx.dispatch(KernelCall("mve", "te_depthwise_conv_2d_inplace_mve", (*args, *mve)), dsp,
                     KernelCall("portable", "te_depthwise_conv_2d_inplace_s8", args))
        return
    if op.memory.variant == "inplace":
        args = (ctx.ptr(op.outputs[0]), p.in_h, p.in_w, p.in_c, ctx.ptr(op.inputs[1]), bias,
                p.k_h, p.k_w, *p.geometry(), p.out_h, p.out_w, *requant,
                ctx.arena_ptr(op.scratch_offset))
        ctx.dispatch(*(fast and [KernelCall(isa, f"te_depthwise_conv_2d_inplace_{isa}",
                                            (*args, *fast)) for isa in ("mve", "dsp")] or []),
                     KernelCall("portable", "te_depthwise_conv_2d_inplace_s8", args))
        return
    if op.memory.variant in ("ring", "fir"):   # one batch, the fast operands
        src, dst = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])
        if fir:
            dsp = fir_call(ctx, op, src, dst)
        else:
            wr, rr = ring_operands(ctx, op)
            dsp = KernelCall("dsp", "te_depthwise_conv_2d_ring_dsp",
                             (src, p.in_h, p.in_w, p.in_c, wr, rr, p.stride_h, p.stride_w,
                              p.pad_t, p.pad_l, dst, p.out_h, p.out_w, p.in_off,
                              ctx.ptr(op.inputs[1]), bias, p.out_off, mult, shift, p.act_min,
                              p.act_max, ctx.arena_ptr(op.scratch_offset)))
        mve = fast_operands(ctx, op, "TE_MVE")
        moved = not fir and moved_mve(op)
        ctx.dispatch(KernelCall("mve", "te_depthwise_conv_2d_moved_mve",
                                (src, inp.nbytes, dst, p.in_h, p.in_w, p.in_c,
                                 ctx.ptr(op.inputs[1]), bias, p.pad_t, p.pad_l, *requant,
                                 ctx.arena_ptr(op.scratch_offset), *mve)) if moved else
                     KernelCall("mve", "te_depthwise_conv_2d_mve",
                                (src, p.in_h, p.in_w, p.in_c, *mve, p.k_h, p.k_w, *p.geometry(),
                                 dst, p.out_h, p.out_w, p.in_off, ctx.ptr(op.inputs[1]), bias,
                                 p.out_off, mult, shift, p.act_min, p.act_max)), dsp,
                     KernelCall("portable", "te_depthwise_conv_2d_s8",
                                (src, p.in_h, p.in_w, p.in_c, ctx.ptr(op.inputs[1]), bias, p.k_h,
                                 p.k_w, p.depth_mult, *p.geometry(), dst, p.out_h, p.out_w,
                                 *requant)))
        return
    for b in range(p.batches):
        src = ctx.ptr(op.inputs[0], b * inp.size // p.batches)
        dst = ctx.ptr(op.outputs[0], b * out.size // p.batches)
        fast_args = fast and (src, p.in_h, p.in_w, p.in_c, *fast, p.k_h, p.k_w, *p.geometry(),
                              dst, p.out_h, p.out_w, p.in_off, ctx.ptr(op.inputs[1]), bias,
                              p.out_off, mult, shift, p.act_min, p.act_max)
        ctx.dispatch(*(fast and [KernelCall(isa, f"te_depthwise_conv_2d_{isa}", fast_args)
                                 for isa in ("mve", "dsp")] or []),
                     KernelCall("portable", "te_depthwise_conv_2d_s8",
                                (src, p.in_h, p.in_w, p.in_c, ctx.ptr(op.inputs[1]), bias, p.k_h,
                                 p.k_w, p.depth_mult, *p.geometry(), dst, p.out_h, p.out_w,
                                 *requant)))


def finalize(g: Graph, op: Operator) -> None:
    """The full bias, and the fast kernels' requantization (None where there is no fast
    variant: depth multiplier other than 1, fewer than DW_LANES channels, --optimize size, or
    not exact)."""
    p: DepthwiseParams = op.params
    taps = g.t(op.inputs[1]).data.astype(np.int64).reshape(-1, p.out_c)   # [k_h * k_w, c]
    full = p.bias.astype(np.int64) + p.in_off * taps.sum(axis=0)
    p.full_bias = (full + (1 << 31)) % (1 << 32) - (1 << 31)
    if p.depth_mult != 1 or p.out_c < DW_LANES or g.config.get("optimize") == "size":
        return
    fast = fast_requant(np.abs(full) + 128 * np.abs(taps).sum(axis=0), p.mult, p.shift,
                        p.out_off)
    if fast is not None:
        p.fast = (full, *fast)


def fast_operands(ctx, op: Operator, cond: str = "TE_FAST") -> tuple[str, str] | None:
    """The names of the _dsp / _mve kernels' operands (kernels/depthwise_conv_2d.h), emitted
    under TE_FAST (TE_MVE builds are TE_FAST builds too), or None where there is no fast
    variant: per group of four channels the doubled taps as int16 pairs and
    {2 * folded bias, m, cc, e, 2 * bias} x 4 (border pixels add the input offset to the taps
    inside instead)."""
    p: DepthwiseParams = op.params
    if p.fast is None:
        return None
    full, m, cc, e = p.fast
    taps = ctx.g.t(op.inputs[1]).data.astype(np.int64).reshape(-1, p.out_c)
    return (ctx.cond_const(dw_taps(taps), "uint32_t", f"wx{op.index}", cond),
            ctx.cond_const(dw_rq(full, m, cc, e, p.bias), "int32_t", f"rq{op.index}", cond))


def ring_operands(ctx, op: Operator, transposed: bool = False) -> tuple[str, str]:
    """The planar DSP kernels' operands (layouts/depthwise.py ring_taps, ring_rq), emitted for
    DSP builds without Helium; `transposed`: the taps of the transposed plane."""
    p: DepthwiseParams = op.params
    full, m, cc, e = p.fast
    taps = ctx.g.t(op.inputs[1]).data.astype(np.int64).reshape(3, 3, p.out_c)
    if transposed:                          # the plane's rows are the input's columns
        taps = taps.transpose(1, 0, 2)
    return (ctx.cond_const(ring_taps(taps.reshape(9, -1)), "uint32_t", f"wr{op.index}",
                           "TE_FAST && !TE_MVE"),
            ctx.cond_const(ring_rq(full, m, cc, e), "int32_t", f"rr{op.index}",
                           "TE_FAST && !TE_MVE"))


def fir_call(ctx, op: Operator, src: str, dst: str) -> KernelCall:
    """te_depthwise_conv_2d_fir_dsp from src to dst (the same buffer in place) with its
    operands (layouts/depthwise.py fir_taps, ring_rq of every channel), emitted for DSP builds
    without Helium."""
    p: DepthwiseParams = op.params
    full, m, cc, e = p.fast
    len_in, len_out, k, stride, dil, pad = line_geometry(p)
    taps = ctx.g.t(op.inputs[1]).data.astype(np.int64).reshape(k, p.out_c)
    cond = "TE_FAST && !TE_MVE"
    wf = ctx.cond_const(fir_taps(taps), "uint32_t", f"wf{op.index}", cond)
    rf = ctx.cond_const(ring_rq(full, m, cc, e, whole_groups=False), "int32_t", f"rf{op.index}",
                        cond)
    return KernelCall("dsp", "te_depthwise_conv_2d_fir_dsp",
                      (src, len_in, p.in_c, wf, rf, k, stride, dil, pad, dst, len_out, p.in_off,
                       p.act_min, p.act_max, ctx.arena_ptr(op.scratch_offset)))


def moved_mve(op: Operator) -> bool:
    """A ring op whose in-place pin the planner withheld (role "unpinned") runs, in Helium
    builds, the in-place kernel on its output after moving the input there
    (te_depthwise_conv_2d_moved_mve), where the output has the input's shape and the scratch
    holds the in-place kernel's."""
    p = op.params
    return (op.memory.variant == "ring" and op.memory.role == "unpinned"
            and (p.in_h, p.in_w, p.in_c) == (p.out_h, p.out_w, p.out_c)
            and op.memory.scratch >= mve_inplace_scratch(p))


def mve_inplace_scratch(p: DepthwiseParams) -> int:
    """Scratch of the Helium in-place kernel: a group's padded plane (and the portable
    kernel's group copy)."""
    ph = (p.out_h - 1) * p.stride_h + p.dil_h * (p.k_h - 1) + 1
    pw = (p.out_w - 1) * p.stride_w + p.dil_w * (p.k_w - 1) + 1
    return max(p.in_h * p.in_w * min(DW_GROUP, p.in_c), ph * pw * DW_LANES)


def access(g: Graph, op: Operator) -> list:
    """Two ways to overlap: the scan-order lag of the plain kernel (not for the "fir" variant,
    whose DSP kernel goes channel by channel), or (depth multiplier 1) fully in place through
    a one-channel scratch plane (the FIR kernel's rows where uses_fir)."""
    p: DepthwiseParams = op.params
    cands = [] if op.memory.variant == "fir" else window_access(g, op)
    if p.depth_mult == 1 and p.batches == 1:
        pat = channel_inplace(p.in_h, p.in_w, p.in_c, p.out_h, p.out_w, DW_GROUP)
        group = min(DW_GROUP, p.in_c)       # TE_DW_GROUP in kernels/te_layouts.h
        scratch = p.in_h * p.in_w * group
        if p.in_c >= DW_LANES and g.config.get("optimize") != "size":  # TE_FAST: padded plane
            ph = (p.out_h - 1) * p.stride_h + p.dil_h * (p.k_h - 1) + 1
            pw = (p.out_w - 1) * p.stride_w + p.dil_w * (p.k_w - 1) + 1
            scratch = max(scratch, ph * pw * DW_LANES)
            if planar_inplace(p):           # the DSP build's planar plane
                scratch = max(scratch, inplace_plane_bytes(p.out_h, p.out_w))
            if uses_fir(p):                 # the DSP build's FIR rows
                scratch = max(scratch, fir_bytes(*line_geometry(p)[1:5]))
        cands.append(Access(0, pat, MemoryOption("inplace", scratch)))
    return cands


def macs(g: Graph, op: Operator) -> int:
    out, w = g.t(op.outputs[0]), g.t(op.inputs[1])
    return out.size * w.shape[1] * w.shape[2]


register(OpDef(name="DEPTHWISE_CONV_2D", stem="depthwise_conv_2d", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("depthwise_conv_2d",), macs=macs,
               access=access, memory_options=memory_options,
               fold_input_offset=fold_input_offset, finalize=finalize, fuses_activation=True,
               accepts_folded_pad=True,
               signature=SIGNATURE, check=check, rows=window_rows))
