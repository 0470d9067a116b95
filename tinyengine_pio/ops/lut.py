"""Element-wise int8 -> int8 functions as a 256-entry lookup table.

For an int8 input every output is a function of the input byte alone, so the exact TFLM integer
algorithm runs on the host for all 256 values and the device does one load per element."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from .base import require_int8


@dataclass
class TableParams:
    n: int                # elements
    table: list[int]      # output for input byte -128..127


def prepare_table(g: Graph, op: Operator, fn) -> None:
    """fn(q: int) -> int8 output for input byte q in [-128, 127]."""
    require_int8(g, op, 0)
    op.params = TableParams(n=g.t(op.inputs[0]).size, table=[fn(q) for q in range(-128, 128)])


def emit_table(ctx, op: Operator) -> None:
    table = ctx.const(op.params.table, "int8_t", f"lut{op.index}")
    ctx.call("te_lut_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), op.params.n, table)
