"""FULLY_CONNECTED float32: TFLM's reference_ops::FullyConnected, per output the products summed
in depth order from 0.0f, then the bias added, then the activation clamp."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..fully_connected import check_shapes, macs, read_options
from ..signature import Operand, Signature
from .common import F32, F32_BIAS, F32_IN, F32_OUT, flit, float_clamp

SIGNATURE = Signature((F32_IN, Operand("weights", dtypes=F32, ranks=(2,), quantized=False),
                       F32_BIAS), (F32_OUT,))


@dataclass
class FloatFullyConnectedParams:
    batches: int
    depth: int
    units: int
    lo: float
    hi: float


def prepare(g: Graph, op: Operator) -> None:
    require(op.options["weights_format"] == 0, op, "only the DEFAULT weights format is supported")
    units, depth = g.t(op.inputs[1]).shape
    op.params = FloatFullyConnectedParams(g.t(op.inputs[0]).size // depth, depth, units,
                                          *float_clamp(g, op))


def emit(ctx, op: Operator) -> None:
    p = op.params
    bias = ctx.ptr(op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else "NULL"
    ctx.call("te_fully_connected_f32", ctx.ptr(op.inputs[0]), ctx.ptr(op.inputs[1]), bias,
             ctx.ptr(op.outputs[0]), p.batches, p.depth, p.units, flit(p.lo), flit(p.hi))


register(OpDef(name="FULLY_CONNECTED", stem="fully_connected", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("fully_connected_f32",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
