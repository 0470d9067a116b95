"""FULLY_CONNECTED int16x8: int16 input and output, int8 weights [units, depth] (per-tensor or
per-channel, zero point 0), optional int64 or int32 bias, as TFLM's fully_connected.cc runs
reference_integer_ops::FullyConnected / FullyConnectedPerChannel<int16_t, int8_t, int16_t, ...>.

TFLM's Prepare (CalculateOpDataFullyConnected): per-channel multipliers from
double(input scale) * double(filter scale) / double(output scale); per-tensor from
GetQuantizedConvolutionMultipler's float product input scale * filter scale, then double. The
kernel adds the input offset (-input zero point) to every input and the output zero point after
requantizing (both 0 in a 16x8 model, but TFLM applies them). The accumulator is int64 with the
int64 MultiplyByQuantizedMultiplier, or int32 with the 32-bit one where the bias is int32 (or
absent with quantized_bias_type INT32)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ...quant import f32
from ..base import OpDef, register, require
from ..fully_connected import check_shapes, macs, read_options
from ..signature import Operand, Signature
from .common import (
    BIAS_64_32,
    S16_IN,
    S16_OUT,
    bias_of,
    channel_multipliers,
    check_accumulator,
    checked_multiplier,
    has_input,
    int16_clamp,
    wide_accumulator,
)

SIGNATURE = Signature((S16_IN, Operand("weights", ranks=(2,), const=True, per_channel=0),
                       BIAS_64_32), (S16_OUT,))


@dataclass
class Int16FullyConnectedParams:
    batches: int
    depth: int
    units: int
    in_off: int
    out_off: int
    act_min: int
    act_max: int
    mult: np.ndarray
    shift: np.ndarray
    wide: bool                 # int64 accumulator (else TFLM's int32-bias path)


def prepare(g: Graph, op: Operator) -> None:
    require(op.options["weights_format"] == 0, op, "only the DEFAULT weights format is supported")
    inp, w, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(int(np.max(np.abs(w.zero_point))) == 0, op, "weight zero point must be 0")
    units, depth = w.shape
    wide = wide_accumulator(g, op, 2)
    if w.per_channel:
        mult, shift = channel_multipliers(inp, w, out, units, wide)
    else:                      # GetQuantizedConvolutionMultipler: float product, then double
        m, s = checked_multiplier(f32(np.float32(inp.s) * np.float32(w.s)) / out.s, wide)
        mult, shift = np.full(units, m, np.int32), np.full(units, s, np.int32)
    check_accumulator(op, depth, 32768 + abs(inp.zp), bias_of(g, op, 2), wide)
    lo, hi = int16_clamp(g, op)
    op.params = Int16FullyConnectedParams(inp.size // depth, depth, units, -inp.zp, out.zp, lo,
                                          hi, mult, shift, wide)


def emit(ctx, op: Operator) -> None:
    p: Int16FullyConnectedParams = op.params
    bias = ctx.ptr(op.inputs[2]) if has_input(op, 2) else "NULL"
    mult = ctx.const(p.mult, "int32_t", f"mult{op.index}")
    shift = ctx.const(p.shift, "int32_t", f"shift{op.index}")
    ctx.call("te_fully_connected_s16" if p.wide else "te_fully_connected_acc32_s16",
             ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]), bias, ctx.ptr(op.outputs[0]),
             p.batches, p.depth, p.units, p.in_off, p.out_off, mult, shift, p.act_min, p.act_max)


register(OpDef(name="FULLY_CONNECTED", stem="fully_connected", dtype="int16",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("fully_connected_s16",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
