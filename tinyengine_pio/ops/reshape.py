"""RESHAPE / SQUEEZE: turned into aliases by passes/alias_reshape.py (no kernel, no copy), in
int8, int16, int32 and float32 (ops/movement.py)."""
from __future__ import annotations

from ..ir import Graph, Operator
from .base import OpDef, register
from .movement import register_dtypes
from .signature import Operand, Signature, check, const_int

# the bytes are reinterpreted, not read: no quantization needed; RESHAPE's shape may come as a
# second input (ignored: the output tensor's shape is static)
SIGNATURE = Signature((Operand("input", dtypes=("int8",), quantized=False),
                       const_int("shape", ranks=(0, 1), optional=True)),
                      (Operand("output", dtypes=("int8",), quantized=False),))


def check_size(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    check(inp.size == out.size, op, f"reshapes {list(inp.shape)} ({inp.size} elements) to "
                                    f"{list(out.shape)} ({out.size} elements)")


def _never(_g: Graph, op: Operator) -> None:
    raise AssertionError(f"{op.kind} #{op.index} should have been turned into an alias")


register_dtypes(register(OpDef(name="RESHAPE", stem="reshape", prepare=_never, emit=_never,
                               alias=True, signature=SIGNATURE, check=check_size)))
register_dtypes(register(OpDef(name="SQUEEZE", stem="reshape", prepare=_never, emit=_never,
                               alias=True, check=check_size,
                               signature=Signature(SIGNATURE.inputs[:1], SIGNATURE.outputs))))
