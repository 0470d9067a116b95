"""ARG_MAX and ARG_MIN over one constant axis of a float32 tensor (TFLM arg_min_max.cc,
reference_ops::ArgMinMax<float>: the first index of the largest / smallest value by a strict
comparison, so a NaN never wins unless it comes first), int32 output as TFLM (int64 too, as the
int8 primary allows). The primary's signature, check and loop parameters (ops/arg_min_max.py);
the kernel compares floats."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...ir import Graph, Operator
from ..arg_min_max import SIGNATURE, _axis, check, emitter, params
from ..base import OpDef, register
from ..signature import Operand

F32_SIGNATURE = replace(SIGNATURE, inputs=(Operand("input", dtypes=("float32",), quantized=False),
                                           *SIGNATURE.inputs[1:]))


def evaluate(g: Graph, op: Operator) -> list:
    """TFLM's scan (numpy's argmax would pick a NaN)."""
    x = np.moveaxis(np.asarray(g.t(op.inputs[0]).data, np.float32), _axis(g, op), 0)
    best, idx = x[0], np.zeros(x.shape[1:], np.int64)
    for i in range(1, x.shape[0]):
        win = x[i] > best if op.kind == "ARG_MAX" else x[i] < best
        best, idx = np.where(win, x[i], best), np.where(win, i, idx)
    return [idx]


def prepare(g: Graph, op: Operator) -> None:
    op.params = params(g, op)


emit = emitter("f32")


for _name in ("ARG_MAX", "ARG_MIN"):
    register(OpDef(name=_name, stem="arg_min_max", prepare=prepare, emit=emit,
                   kernels=("arg_min_max_f32",), signature=F32_SIGNATURE, check=check,
                   evaluate=evaluate, dtype="float32"))
