"""QUANTIZE between integer types with int16 on one side (int16 -> int8 / int16 / int32,
int8 -> int16, int32 -> int16), as TFLM's quantize_common.cc: Prepare's multiplier
QuantizeMultiplier(double(input scale) / double(output scale)), then
reference_ops::Requantize<in, out> (MultiplyByQuantizedMultiplier of x - input zero point,
+ output zero point, clamped to the output type). float32 -> int16 is ops/float32/quantize.py,
int8 -> int8 and the uint8 edges the primary (ops/quantize.py)."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ...quant import quantize_multiplier
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..signature import Operand, Signature, same_shape

INTS = ("int8", "int16", "int32")
SIGNATURE = Signature((Operand("input", dtypes=INTS),), (Operand("output", dtypes=INTS),))
KERNELS = {("int16", "int8"): "te_requantize_s16_s8", ("int16", "int16"): "te_requantize_s16_s16",
           ("int16", "int32"): "te_requantize_s16_s32", ("int8", "int16"): "te_requantize_s8_s16",
           ("int32", "int16"): "te_requantize_s32_s16"}


@dataclass
class Int16RequantizeParams:
    kernel: str
    n: int
    in_zp: int
    out_zp: int
    mult: int
    shift: int


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    kernel = KERNELS.get((inp.dtype, out.dtype))
    require(kernel is not None, op, f"{inp.dtype} -> {out.dtype} is not supported (int16 -> "
                                    "int8 / int16 / int32, int8 -> int16 and int32 -> int16 are)")
    m, s = quantize_multiplier(inp.s / out.s)
    op.params = Int16RequantizeParams(kernel, out.size, inp.zp, out.zp, m, s)


def emit(ctx, op: Operator) -> None:
    p: Int16RequantizeParams = op.params
    ctx.call(p.kernel, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.in_zp, p.mult,
             p.shift, p.out_zp)


register(OpDef(name="QUANTIZE", stem="quantize", dtype="int16", prepare=prepare, emit=emit,
               kernels=("quantize_s16",), access=elementwise_access, signature=SIGNATURE,
               check=same_shape))
