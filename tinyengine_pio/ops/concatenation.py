"""CONCATENATION along any axis: one strided block copy per input (no requantization, as TFLM;
int8 and int16 inputs must share the output's quantization). int8, and int16, int32 and float32
as bytes (ops/movement.py)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import DTYPE_BYTES, Graph, Operator
from .base import OpDef, activation_name, options_table, register, require
from .movement import QUANTIZED, bptr, register_dtypes
from .signature import Operand, Signature, axis_in, expect_shape
from .signature import check as check_that


@dataclass
class ConcatParams:
    outer: int                            # blocks before the axis
    out_chunk: int                        # output bytes per block
    parts: list[tuple[int, int, int]]     # (input tensor, bytes per block, byte offset in block)


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.ConcatenationOptions)
    return dict(axis=o.Axis(), activation=activation_name(o.FusedActivationFunction()))


SIGNATURE = Signature((Operand("input"),), variadic=True)


def check(g: Graph, op: Operator) -> None:
    out = g.t(op.outputs[0])
    rank = len(out.shape)
    check_that(rank >= 1, op, "the output is a scalar")
    axis = axis_in(op, op.options["axis"], rank)
    total = 0
    for pos, i in enumerate(op.inputs):
        s = g.t(i).shape
        check_that(len(s) == rank and all(a == b for k, (a, b) in enumerate(zip(s, out.shape))
                                          if k != axis), op,
                   f"input {pos} has shape {list(s)}, which does not concatenate along axis "
                   f"{axis} into {list(out.shape)}")
        total += s[axis]
    expect_shape(g, op, [total if k == axis else d for k, d in enumerate(out.shape)],
                 why=f"the inputs' sizes along axis {axis}")


def prepare(g: Graph, op: Operator) -> None:
    out = g.t(op.outputs[0])
    require(op.options["activation"] == "NONE", op, "fused activation on CONCATENATION")
    rank = len(out.shape)
    axis = op.options["axis"] % rank
    outer = int(np.prod(out.shape[:axis], dtype=np.int64))
    inner = int(np.prod(out.shape[axis + 1:], dtype=np.int64)) * DTYPE_BYTES[out.dtype]
    parts, off = [], 0
    for i in op.inputs:
        t = g.t(i)
        require(t.dtype not in QUANTIZED or (t.s == out.s and t.zp == out.zp), op,
                f"input '{t.name}' must have the output's scale and zero point")
        chunk = t.shape[axis] * inner if len(t.shape) == rank else t.nbytes // max(outer, 1)
        parts.append((i, chunk, off))
        off += chunk
    require(off == out.shape[axis] * inner, op, "input sizes do not add up to the output")
    op.params = ConcatParams(outer=outer, out_chunk=off, parts=parts)


def emit(ctx, op: Operator) -> None:
    p = op.params
    for i, chunk, off in p.parts:
        ctx.call("te_concat_s8", bptr(ctx, i), bptr(ctx, op.outputs[0], off), p.outer, chunk,
                 p.out_chunk)


register_dtypes(register(OpDef(name="CONCATENATION", stem="concatenation",
                               read_options=read_options, prepare=prepare, emit=emit,
                               kernels=("concatenation",), signature=SIGNATURE, check=check)))
