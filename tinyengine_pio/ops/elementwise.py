"""Element-wise operators' shared parts: broadcasting loops and the in-place access pattern."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import DTYPE_BYTES, Graph, Operator
from ..planner.overlap import Access, elementwise
from .base import require
from .signature import check, expect_shape


@dataclass
class Broadcast:
    """A (possibly broadcasting) binary op as a 4-D loop nest: `dims`, per-input element strides
    `sa`, `sb` (0 on broadcast dims); dimension groups beyond 4 are unrolled into one kernel call
    per `bases` entry (element offsets of a, b and out)."""
    dims: list[int]
    sa: list[int]
    sb: list[int]
    bases: list[tuple[int, int, int]]

    def loop_args(self) -> tuple:
        return (*self.dims, *self.sa, *self.sb)


def broadcast_4d(op: Operator, a_shape, b_shape, out_shape) -> Broadcast:
    rank = len(out_shape)
    a = [1] * (rank - len(a_shape)) + list(a_shape)
    b = [1] * (rank - len(b_shape)) + list(b_shape)
    for x, y, o in zip(a, b, out_shape):
        require(x in (1, o) and y in (1, o), op, f"shapes {list(a_shape)} and {list(b_shape)} "
                f"do not broadcast to {list(out_shape)}")
    # merge adjacent dims with the same (a broadcast?, b broadcast?) pattern
    groups: list[list] = []
    for x, y, o in zip(a, b, out_shape):
        if o == 1:
            continue
        key = (x == 1, y == 1)
        if groups and groups[-1][0] == key:
            groups[-1][1] *= o
        else:
            groups.append([key, o])
    groups = [[(False, False), 1]] * max(0, 4 - len(groups)) + groups
    sa, sb, so = [0] * len(groups), [0] * len(groups), [0] * len(groups)
    acc_a = acc_b = acc_o = 1
    for i in range(len(groups) - 1, -1, -1):
        (a_bc, b_bc), n = groups[i]
        sa[i] = 0 if a_bc or n == 1 else acc_a
        sb[i] = 0 if b_bc or n == 1 else acc_b
        so[i] = acc_o
        acc_a *= 1 if a_bc else n
        acc_b *= 1 if b_bc else n
        acc_o *= n
    outer = len(groups) - 4
    bases = [(0, 0, 0)]
    for i in range(outer):
        bases = [(ba + k * sa[i], bb + k * sb[i], bo + k * so[i])
                 for ba, bb, bo in bases for k in range(groups[i][1])]
    require(len(bases) <= 4096, op, "broadcast needs more than 4096 kernel calls")
    return Broadcast(dims=[g[1] for g in groups[outer:]], sa=sa[outer:], sb=sb[outer:], bases=bases)


def elementwise_access(g: Graph, op: Operator) -> list[Access]:
    """Element i is read, then element i is written: any full-size input may be overwritten."""
    out = g.t(op.outputs[0])
    for pos, i in enumerate(op.inputs):
        t = g.t(i) if i >= 0 else None
        if t is not None and not t.is_const and t.size == out.size and tuple(t.shape) == tuple(out.shape):
            return [Access(pos, elementwise(out.size, DTYPE_BYTES[t.dtype], DTYPE_BYTES[out.dtype]))]
    return []


def check_broadcast(g: Graph, op: Operator) -> None:
    """validate.py: ADD / MUL: the output has the two inputs' broadcast shape."""
    a, b = g.t(op.inputs[0]).shape, g.t(op.inputs[1]).shape
    rank = max(len(a), len(b))
    pa, pb = [1] * (rank - len(a)) + list(a), [1] * (rank - len(b)) + list(b)
    check(all(x == y or 1 in (x, y) for x, y in zip(pa, pb)), op,
          f"input shapes {list(a)} and {list(b)} do not broadcast")
    expect_shape(g, op, [x if y == 1 else y for x, y in zip(pa, pb)],
                 why="the inputs' broadcast shape")


# --- binary operators that also run on int32 / int64 constants (shape arithmetic) -------------

def integer_binary_signature(dtypes=("int8", "int32", "int64")):
    """Two inputs and one output of one of `dtypes`; the int8 quantization is checked by
    `check_typed_broadcast` (a Signature's quantization requirement cannot depend on the dtype,
    and shape arithmetic tensors carry none)."""
    from .signature import Operand, Signature
    return Signature((Operand("input 0", dtypes=dtypes, quantized=False),
                      Operand("input 1", dtypes=dtypes, quantized=False)),
                     (Operand("output", dtypes=dtypes, quantized=False),))


def check_typed_broadcast(g: Graph, op: Operator) -> None:
    """validate.py: every operand has input 0's dtype; int8 ones are quantized as BINARY
    requires; the output has the inputs' broadcast shape (check_broadcast)."""
    from ..validate import _check_operands
    from .signature import BINARY
    dtypes = [g.t(i).dtype for i in (*op.inputs, *op.outputs)]
    check(len(set(dtypes)) == 1, op, f"its operands' types differ ({', '.join(dtypes)})")
    if dtypes[0] == "int8":
        _check_operands(g, op, BINARY)
    check_broadcast(g, op)


def broadcast_values(g: Graph, op: Operator):
    """The constant inputs' data broadcast to the output shape (constant folding)."""
    import numpy as np
    a, b = (np.asarray(g.t(i).data) for i in op.inputs[:2])
    shape = g.t(op.outputs[0]).shape
    return np.broadcast_to(a, shape), np.broadcast_to(b, shape)
