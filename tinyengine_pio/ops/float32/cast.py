"""CAST from or to float32 (TFLM cast.cc: copyCast, a static_cast per element, the quantization
ignored): float32 -> int8 / int16 / int32 truncating toward zero, int8 / int16 / int32 ->
float32 rounding to nearest, float32 -> float32 a copy. TFLM's cast.cc has no uint8 (nor int64
or bool outputs), so those stay refused at run time; constants of any type fold at compile
time with the primary's evaluate (ops/cast.py)."""
from __future__ import annotations

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..cast import TYPES, CastParams, emit, evaluate
from ..signature import Operand, Signature, same_shape

SUFFIX = {"int8": "s8", "int16": "s16", "int32": "s32", "float32": "f32"}
# reached only with float32 on one side (the primary takes every other pair)
SIGNATURE = Signature((Operand("input", dtypes=TYPES, quantized=False),),
                      (Operand("output", dtypes=TYPES, quantized=False),))


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.dtype in SUFFIX and out.dtype in SUFFIX, op,
            f"CAST from {inp.dtype} to {out.dtype} at run time (float32 to or from int8, int16, "
            "int32 or float32 only, as TFLM; constant inputs are folded at compile time)")
    op.params = CastParams(n=inp.size, fn=f"te_cast_{SUFFIX[inp.dtype]}_{SUFFIX[out.dtype]}")


register(OpDef(name="CAST", stem="cast", prepare=prepare, emit=emit, kernels=("cast_f32",),
               signature=SIGNATURE, check=same_shape, evaluate=evaluate, dtype="float32"))
