"""EXPAND_DIMS: a unit dimension inserted at a constant axis (negative counts from the end of
the output, as TFLM's expand_dims.cc: axis += rank + 1). Like RESHAPE it is an alias
(passes/alias_reshape.py: same bytes, no copy, no code) in int8, int16, int32 and float32
(ops/movement.py); a constant input is folded."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register
from .movement import register_dtypes
from .signature import Operand, Signature, axis_in, const_int, expect_shape
from .signature import check as check_that
from .strided_slice import DATA

SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False),
                       const_int("axis", ranks=(0, 1))),
                      (Operand("output", dtypes=DATA, quantized=False),))


def _axis(g: Graph, op: Operator) -> int:
    a = np.asarray(g.t(op.inputs[1]).data).reshape(-1)
    check_that(a.size == 1, op, f"axis has {a.size} values, expected 1")
    return axis_in(op, int(a[0]), len(g.t(op.inputs[0]).shape) + 1)


def check(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    check_that(inp.dtype == out.dtype, op, f"{inp.dtype} input, {out.dtype} output")
    shape = list(inp.shape)
    axis = _axis(g, op)
    expect_shape(g, op, shape[:axis] + [1] + shape[axis:], why=f"a unit dimension at {axis}")


def evaluate(g: Graph, op: Operator) -> list:
    return [np.expand_dims(np.asarray(g.t(op.inputs[0]).data), _axis(g, op))]


def _never(_g, op: Operator) -> None:
    raise AssertionError(f"{op.kind} #{op.index} should have been turned into an alias")


register_dtypes(register(OpDef(name="EXPAND_DIMS", stem="expand_dims", prepare=_never,
                               emit=_never, alias=True, signature=SIGNATURE, check=check,
                               evaluate=evaluate)))
