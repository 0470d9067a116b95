"""TRANSPOSE (TFLM transpose.cc, reference_ops::Transpose): a strided gather. int8 with rank
<= 4 after dropping unit dims; int16, int32 and float32 as bytes (ops/movement.py: the element
an innermost run kept last, up to 4 strided loops once contiguous dims merge)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Operator
from .base import OpDef, register, require
from .movement import byte_loops, elem_bytes, emit_strided_copy, register_dtypes
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that


@dataclass
class TransposeParams:
    loops: list[tuple[int, int]]      # (size, input byte stride) of the 4 output dims
    run: int = 0                      # elements of several bytes: bytes copied at once


SIGNATURE = Signature((Operand("input"), const_int("perm")))


def check(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    rank = len(inp.shape)
    perm = [int(p) for p in np.asarray(g.t(op.inputs[1]).data).reshape(-1)]
    check_that(len(perm) == rank and sorted(p % rank for p in perm) == list(range(rank))
               and all(-rank <= p < rank for p in perm), op,
               f"perm {perm} is not a permutation of the input's {rank} dimensions")
    expect_shape(g, op, [inp.shape[p % rank] for p in perm], why=f"perm {perm}")


def prepare(g: Graph, op: Operator) -> None:
    inp, perm_t = g.t(op.inputs[0]), g.t(op.inputs[1])
    require(perm_t.is_const, op, "perm must be a constant tensor")
    rank = len(inp.shape)
    perm = [int(p) % rank for p in np.asarray(perm_t.data).reshape(-1)]
    require(sorted(perm) == list(range(rank)), op, f"invalid permutation {perm}")
    strides = [int(np.prod(inp.shape[i + 1:], dtype=np.int64)) for i in range(rank)]
    loops = [(inp.shape[p], strides[p]) for p in perm if inp.shape[p] > 1]
    if elem_bytes(g, op.inputs[0]) > 1:
        op.params = TransposeParams(*byte_loops(op, loops, elem_bytes(g, op.inputs[0])))
        return
    require(len(loops) <= 4, op, "more than 4 non-unit dimensions")
    loops = [(1, 0)] * (4 - len(loops)) + loops
    op.params = TransposeParams(loops=loops)


def emit(ctx, op: Operator) -> None:
    if op.params.run:
        emit_strided_copy(ctx, op.inputs[0], 0, op.outputs[0], op.params.loops, op.params.run)
        return
    ctx.call("te_transpose_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in op.params.loops for v in d])


register_dtypes(register(OpDef(name="TRANSPOSE", stem="transpose", prepare=prepare, emit=emit,
                               kernels=("transpose",), signature=SIGNATURE, check=check)),
                kernels=("movement",))
