"""FULLY_CONNECTED: int8, per-tensor or per-channel weights [O, K], optional int32 bias."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, MemoryOption, Operator
from ..quant import f32, quantize_multiplier
from ..variants import variant
from .base import OpDef, activation_name, options_table, register, require, require_int8
from .gemm_operands import (
    fast_gemm_constants,
    fast_gemm_operands,
    fast_scratch_bytes,
    mve_gemm_operands,
    portable_operands,
)
from .quantized import RequantFields, fold_offset, requant_fields
from .signature import FILTER_BIAS, Operand, Signature, check_accumulator, check_bias
from .signature import check as check_that

SIGNATURE = Signature((Operand("input"), Operand("weights", ranks=(2,), const=True, per_channel=0),
                       *FILTER_BIAS))


@dataclass
class FullyConnectedParams(RequantFields):
    batches: int
    depth: int
    units: int


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.FullyConnectedOptions)
    if o is None:
        return dict(activation="NONE", weights_format=0, keep_num_dims=False,
                    quantized_bias_type=0)
    # quantized_bias_type: the int16x8 accumulator without a bias (ops/int16/)
    return dict(activation=activation_name(o.FusedActivationFunction()),
                weights_format=o.WeightsFormat(), keep_num_dims=bool(o.KeepNumDims()),
                quantized_bias_type=o.QuantizedBiasType())


def check(g: Graph, op: Operator) -> None:
    check_shapes(g, op)
    check_accumulator(g, op, g.t(op.inputs[1]).shape[1], 2)


def check_shapes(g: Graph, op: Operator) -> None:
    """Batches x units out of [units, depth] weights, and the bias (every dtype)."""
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    units, depth = g.t(op.inputs[1]).shape
    check_that(depth >= 1 and units >= 1, op, f"weights have shape {[units, depth]}")
    check_that(inp.size % depth == 0, op,
               f"input size {inp.size} is not a multiple of the weights' depth {depth}")
    batches = inp.size // depth
    check_that(out.size == batches * units and out.shape and out.shape[-1] == units, op,
               f"output '{out.name}' has shape {list(out.shape)}, expected {batches} batch(es) "
               f"x {units} units")
    check_bias(g, op, 2, units)


def prepare(g: Graph, op: Operator) -> None:
    require(op.options["weights_format"] == 0, op, "only the DEFAULT weights format is supported")
    require_int8(g, op, 0, 1)
    inp, w, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(w.is_const, op, "weights must be a constant tensor")
    require(len(w.shape) == 2, op, "weights must be 2-D [outputs, depth]")
    units, depth = w.shape
    require(inp.size % depth == 0, op, f"input size {inp.size} not a multiple of depth {depth}")
    require(int(np.max(np.abs(w.zero_point))) == 0, op, "weight zero point must be 0")
    mult = shift = None            # per-channel: as CONV_2D
    if not w.per_channel:          # GetQuantizedConvolutionMultipler: float product, then double
        m, s = quantize_multiplier(f32(np.float32(inp.s) * np.float32(w.s)) / out.s)
        mult, shift = np.full(units, m, np.int32), np.full(units, s, np.int32)
    op.params = FullyConnectedParams(**requant_fields(g, op, units, mult, shift),
                                     batches=inp.size // depth, depth=depth, units=units)


def memory_options(g: Graph, op: Operator) -> list[MemoryOption]:
    """--optimize size: the direct loops; else the GEMM reading int8 rows, or (wide) with the
    TE_FAST widened batch row."""
    if g.config.get("optimize") == "size":
        return [MemoryOption("direct")]
    return [MemoryOption(None, 0, lean=True),
            MemoryOption(None, fast_scratch_bytes(op.params.depth, 1), role="wide")]


def finalize(g: Graph, op: Operator) -> None:
    """The GEMM variants' requantization constants (None where they would not be exact)."""
    op.params.fast = fast_gemm_constants(op.params, g.t(op.inputs[1]).data,
                                         g.config.get("optimize", "speed"))


def fold_input_offset(g: Graph, op: Operator) -> None:
    """Every tap is inside the input: the offset always folds (where the bias fits int32)."""
    if op.params.in_off:
        w = g.t(op.inputs[1]).data.astype(np.int64)
        fold_offset(op.params, w.reshape(w.shape[0], -1).sum(axis=1))


def emit(ctx, op: Operator) -> None:
    p: FullyConnectedParams = op.params
    folded = p.in_off == 0 and op.memory.variant != "direct"
    lean = op.memory.lean               # no column buffer: x read as int8
    w2d = ctx.g.t(op.inputs[1]).data
    k = p.fast if folded else None
    mve = mve_gemm_operands(ctx, op, w2d, k)
    fast = fast_gemm_operands(ctx, op, w2d, k, 4, doubled=not lean,
                              cond="TE_FAST && !TE_MVE" if mve else "TE_FAST")
    w, bias, mult, shift = portable_operands(ctx, op, fast)
    src, dst = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0])
    if folded:                          # offset folded: the shared GEMM
        plain = ("te_fully_connected_folded_s8", src, w, bias, dst, p.batches, p.depth,
                 p.units, p.out_off, mult, shift, p.act_min, p.act_max)
        ctx.dispatch(variant("dsp", fast and (
            ("te_fully_connected_lean", src, *fast, dst, p.batches, p.depth, p.units,
             p.act_min, p.act_max) if lean else
            ("te_fully_connected_fast", src, *fast, dst, p.batches, p.depth, p.units,
             p.act_min, p.act_max, ctx.arena_ptr(op.scratch_offset, "uint32_t")))),
            variant("portable", plain),
            variant("mve", mve and ("te_gemm_mve", src, p.batches, p.depth, *mve, dst, p.units,
                                    p.act_min, p.act_max)))
        return
    ctx.call("te_fully_connected_s8", src, w, bias, dst, p.batches, p.depth, p.units,
             p.in_off, p.out_off, mult, shift, p.act_min, p.act_max)


def macs(g: Graph, op: Operator) -> int:
    w = g.t(op.inputs[1])
    return g.t(op.inputs[0]).size // w.shape[1] * w.shape[0] * w.shape[1]


register(OpDef(name="FULLY_CONNECTED", stem="fully_connected", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("fully_connected", "gemm"), macs=macs,
               memory_options=memory_options, fold_input_offset=fold_input_offset,
               finalize=finalize, fuses_activation=True, signature=SIGNATURE, check=check))
