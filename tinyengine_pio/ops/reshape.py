"""RESHAPE and SQUEEZE: the output is a view of the input (an alias, no code, no copy)."""
from __future__ import annotations

from ..ir import Graph, Operator
from .base import OpDef, register, require


def prepare(g: Graph, op: Operator) -> None:
    # Only reached for a graph input that is directly a graph output: emit a copy.
    require(g.t(op.inputs[0]).nbytes == g.t(op.outputs[0]).nbytes, op, "size mismatch")


def emit(ctx, op: Operator) -> None:
    n = ctx.g.t(op.outputs[0]).nbytes
    ctx.call("te_copy", f"(int8_t *){ctx.ptr(op.outputs[0])}", f"(const int8_t *){ctx.ptr(op.inputs[0])}", n)


register(OpDef(name="RESHAPE", stem="reshape", prepare=prepare, emit=emit, alias=True))
register(OpDef(name="SQUEEZE", stem="reshape", prepare=prepare, emit=emit, alias=True))
