"""Constant folding: an operator whose result is known at compile time is evaluated on the host
and its outputs become constant tensors (issue 17).

Known at compile time: every present input is a constant, or the op reads only its inputs'
static shapes (OpDef.reads_data False: SHAPE). The op's `OpDef.evaluate(g, op)` returns the
outputs as numpy arrays with TFLite's semantics. validate.py calls `fold_op` on each operator
in order, right after checking it, so a consumer of a folded tensor is checked against a
constant (a STRIDED_SLICE's begin/end coming from SHAPE -> PACK). An op whose output is a model
output is not folded (a model output is written by the invoke). `Graph.config["folded"]`
lists what was folded, for the report."""
from __future__ import annotations

import numpy as np

from ..ir import NP_TYPES, Graph, Operator
from ..ops import lookup
from ..ops.signature import invalid


def foldable(g: Graph, op: Operator) -> bool:
    opdef = lookup(op)
    if opdef.evaluate is None or any(o in g.outputs for o in op.outputs):
        return False
    return not opdef.reads_data or all(g.t(i).is_const for i in op.inputs if i >= 0)


def fold_op(g: Graph, op: Operator) -> bool:
    """Evaluate `op` into constant outputs if it is foldable; True when it was."""
    if not foldable(g, op):
        return False
    values = lookup(op).evaluate(g, op)
    for pos, (o, value) in enumerate(zip(op.outputs, values)):
        t = g.t(o)
        arr = np.asarray(value)
        if tuple(arr.shape) != tuple(t.shape):
            raise invalid(op, f"output {pos} '{t.name}' has shape {list(t.shape)}, but the "
                              f"operator computes {list(arr.shape)}")
        t.data = arr.astype(NP_TYPES[t.dtype]).reshape(t.shape)
    g.config.setdefault("folded", []).append(f"#{op.index} {op.kind}")
    return True
