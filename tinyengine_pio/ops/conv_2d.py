"""CONV_2D: int8 activations, int8 weights (per-channel or per-tensor), int32 bias."""
from __future__ import annotations

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, activation_name, options_table, padding_name, register, require, require_int8
from .common import (bias_or_zeros, clamp_range, conv_multipliers, fast_gemm_constants,
                     fast_gemm_operands, fast_scratch_bytes, mve_gemm_operands,
                     portable_operands, window_access, window_params)


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.Conv2DOptions)
    return dict(padding=padding_name(o.Padding()), stride_w=o.StrideW(), stride_h=o.StrideH(),
                dilation_w=o.DilationWFactor(), dilation_h=o.DilationHFactor(),
                activation=activation_name(o.FusedActivationFunction()))


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0, 1)
    inp, w, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(w.is_const, op, "filter must be a constant tensor")
    require(len(inp.shape) == 4 and len(w.shape) == 4, op, "expected 4-D input and filter")
    n, in_h, in_w, in_c = inp.shape
    oc, k_h, k_w, f_c = w.shape
    require(in_c % f_c == 0, op, f"input channels {in_c} not a multiple of filter channels {f_c}")
    require(out.shape[3] == oc, op, "output channels differ from filter count")
    require(not w.per_channel or w.quant_dim == 0, op, "per-channel filter must be quantized on dim 0")
    require(int(np.max(np.abs(w.zero_point))) == 0, op, "filter zero point must be 0")
    mult, shift = conv_multipliers(inp, w, out, oc)
    lo, hi = clamp_range(g, op)
    p = window_params(g, op, in_h, in_w, k_h, k_w)
    p.update(batches=n, in_h=in_h, in_w=in_w, in_c=in_c, k_h=k_h, k_w=k_w, f_c=f_c, out_c=oc,
             in_off=-inp.zp, out_off=out.zp, act_min=lo, act_max=hi, mult=mult, shift=shift,
             bias=bias_or_zeros(g, op, 2, oc))
    p["variant"] = "generic" if g.config.get("optimize") == "size" else choose_variant(p)
    speed = g.config.get("optimize") != "size"
    if p["variant"] == "im2col":      # two receptive fields, padded with the zero point
        k_len = k_h * k_w * in_c
        lean = max(2 * k_len, fast_scratch_bytes(k_len, 1))     # int8 pair, whole blocks
        p.update(scratch_bytes=lean, pads_with_zero_point=True, pad_value=inp.zp)
        if speed:                     # TE_FAST: two int16 columns (+ int8 staging if in_c % 4)
            p.update(lean_scratch=lean, fast_scratch=max(lean, fast_scratch_bytes(k_len, 2) + (
                0 if in_c % 4 == 0 else -(-2 * k_len // 4) * 4)), lean=True)
    elif p["variant"] == "pointwise" and speed:
        p.update(scratch_bytes=0, lean_scratch=0, fast_scratch=fast_scratch_bytes(in_c, 2),
                 lean=True)
    op.params.update(p)


def choose_variant(p: dict) -> str:
    """pointwise: 1x1 stride 1 unpadded GEMM; im2col: any other ungrouped conv (two-column
    im2col + the same GEMM); generic: grouped convs (direct loops)."""
    if p["f_c"] != p["in_c"] or p["batches"] != 1:
        return "generic"
    if (p["k_h"] == p["k_w"] == 1 and p["stride_h"] == p["stride_w"] == 1
            and p["pad_t"] == p["pad_l"] == 0 and p["out_h"] == p["in_h"]
            and p["out_w"] == p["in_w"]):
        return "pointwise"
    return "im2col"


def demote(p: dict, implicit: bool = False) -> None:
    """Give up the im2col scratch: for the implicit GEMM (`implicit`, TE_FAST builds of convs
    with in_c % 4 == 0 and the offset folded: taps read in place, padding from a zero-point row
    in flash), else for the direct loops (no scratch), e.g. when the input offset could not be
    folded. The direct loops skip padded taps, so an offset folded on the strength of im2col's
    zero-point padding is unfolded again."""
    for key in ("scratch_bytes", "lean", "lean_scratch", "fast_scratch"):
        p.pop(key, None)
    if implicit and p["in_c"] % 4 == 0 and p.get("in_off", 0) == 0:
        p["variant"] = "implicit"
        return
    p["variant"] = "generic"
    if p.pop("pads_with_zero_point", None) and "unfolded" in p and not _unpadded(p):
        p["bias"], p["in_off"] = p.pop("unfolded")
        p.pop("zero_point_folded", None)


def _unpadded(p: dict) -> bool:
    from ..passes.fold_zero_point import _unpadded as unpadded
    return unpadded(p)


def emit(ctx, op: Operator) -> None:
    p = op.params
    g = ctx.g
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    fast = mve = None
    if p["variant"] in ("pointwise", "im2col", "implicit"):
        w2d = g.t(op.inputs[1]).data.reshape(p["out_c"], -1)
        k = fast_gemm_constants(ctx, op, w2d)
        if p["variant"] != "implicit":      # Helium: own operands, the DSP ones elsewhere
            mve = mve_gemm_operands(ctx, op, w2d, k)
        fast = fast_gemm_operands(ctx, op, w2d, k, 2,
                                  cond="TE_FAST && !TE_MVE" if mve else "TE_FAST")
    plain_bias = None               # the direct loops skip padded taps: offset unfolded
    if p["variant"] == "implicit" and "unfolded" in p and not _unpadded(p):
        plain_bias, p_in_off = p["unfolded"]
    else:
        p_in_off = p["in_off"]
    w, bias, mult, shift = portable_operands(ctx, op, fast, plain_bias)
    src, dst = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])
    clamp = (p["act_min"], p["act_max"])
    if p["variant"] == "pointwise":
        plain = ("te_conv_2d_1x1_s8", src, p["in_h"] * p["in_w"], p["in_c"], w, bias, dst,
                 p["out_c"], p["out_off"], mult, shift, *clamp)
        ctx.fast_call(fast and (
            ("te_conv_2d_1x1_lean", src, p["in_h"] * p["in_w"], p["in_c"], *fast, dst,
             p["out_c"], *clamp) if p["lean"] else      # int16 columns would grow the arena
            ("te_conv_2d_1x1_fast", src, p["in_h"] * p["in_w"], p["in_c"], *fast, dst,
             p["out_c"], *clamp, ctx.arena_ptr(p["scratch_offset"], "uint32_t"))), plain,
            mve and ("te_gemm_mve", src, p["in_h"] * p["in_w"], p["in_c"], *mve, dst,
                     p["out_c"], *clamp))
        return
    if p["variant"] == "im2col":
        geometry = (p["k_h"], p["k_w"], p["stride_h"], p["stride_w"], p["dil_h"], p["dil_w"],
                    p["pad_t"], p["pad_l"], dst, p["out_h"], p["out_w"], p["out_c"],
                    p["pad_value"])
        plain = ("te_conv_2d_im2col_s8", src, p["in_h"], p["in_w"], p["in_c"], w, bias,
                 *geometry, p["out_off"], mult, shift, *clamp,
                 ctx.arena_ptr(p["scratch_offset"]))
        k_len = p["k_h"] * p["k_w"] * p["in_c"]
        stage = ("NULL" if p["in_c"] % 4 == 0 else
                 ctx.arena_ptr(p["scratch_offset"] + fast_scratch_bytes(k_len, 2)))
        ctx.fast_call(fast and (
            ("te_conv_2d_im2col_lean", src, p["in_h"], p["in_w"], p["in_c"], *fast, *geometry,
             *clamp, ctx.arena_ptr(p["scratch_offset"])) if p["lean"] else
            ("te_conv_2d_im2col_fast", src, p["in_h"], p["in_w"], p["in_c"], *fast, *geometry,
             *clamp, ctx.arena_ptr(p["scratch_offset"], "uint32_t"), stage)), plain,
            mve and ("te_conv_2d_im2col_mve", src, p["in_h"], p["in_w"], p["in_c"], *mve,
                     *geometry, *clamp, ctx.arena_ptr(p["scratch_offset"])))
        return
    if p["variant"] == "implicit":
        geometry = (p["k_h"], p["k_w"], p["stride_h"], p["stride_w"], p["dil_h"], p["dil_w"],
                    p["pad_t"], p["pad_l"])
        plain = ("te_conv_2d_s8", src, p["in_h"], p["in_w"], p["in_c"], w, bias, p["k_h"],
                 p["k_w"], p["f_c"], *geometry[2:], dst, p["out_h"], p["out_w"], p["out_c"],
                 p_in_off, p["out_off"], mult, shift, *clamp)
        ctx.fast_call(fast and (
            "te_conv_2d_implicit_fast", src, p["in_h"], p["in_w"], p["in_c"], *fast, *geometry,
            dst, p["out_h"], p["out_w"], p["out_c"],
            ctx.cond_const(np.full(p["in_c"], p["pad_value"], np.int8), "int8_t",
                           f"zp{op.index}", "TE_FAST"), *clamp), plain)
        return
    for b in range(p["batches"]):
        ctx.call("te_conv_2d_s8",
                 ctx.ptr(op.inputs[0], b * inp.size // p["batches"]), p["in_h"], p["in_w"], p["in_c"],
                 w, bias, p["k_h"], p["k_w"], p["f_c"],
                 p["stride_h"], p["stride_w"], p["dil_h"], p["dil_w"], p["pad_t"], p["pad_l"],
                 ctx.ptr(op.outputs[0], b * out.size // p["batches"]), p["out_h"], p["out_w"], p["out_c"],
                 p["in_off"], p["out_off"], mult, shift, p["act_min"], p["act_max"])


def access(g: Graph, op: Operator) -> list:
    """pointwise, implicit: pixel pairs read while written; im2col: pixel pairs copied out,
    then written; generic: one pixel at a time, reads and writes interleaved."""
    from ..planner.overlap import window
    p = op.params
    if p["variant"] == "generic":
        return window_access(g, op)
    return [(0, window(p["in_h"], p["in_w"], p["in_c"], p["out_h"], p["out_w"], p["out_c"],
                       p["k_h"], p["k_w"], p["stride_h"], p["stride_w"], p["dil_h"], p["dil_w"],
                       p["pad_t"], p["pad_l"], per_step=2, reads_first=p["variant"] == "im2col"))]


def macs(g: Graph, op: Operator) -> int:
    out, w = g.t(op.outputs[0]), g.t(op.inputs[1])
    return out.size * w.shape[1] * w.shape[2] * w.shape[3]


register(OpDef(name="CONV_2D", stem="conv_2d", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("conv_2d", "gemm"), macs=macs,
               access=access))
