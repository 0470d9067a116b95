"""GATHER: slices of the input along `axis` picked by int32 indices (constant or computed),
with `batch_dims`, as TFLM's gather.cc (Prepare's output shape: input[:axis] + indices[batch_dims:]
+ input[axis + 1:]; Gather<int8_t, int32_t>'s copy loops). int8, int16, int32 and float32 at run
time (wider elements as bytes, ops/movement.py; TFLM itself runs float32 and int8 only), int64
folded at compile time too when the indices are constant. Constant int64 indices are emitted as
int32; a computed index out of range writes the zero point, or 0 bytes for other than int8
(TFLM: undefined)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import DTYPE_BYTES, Graph, Operator
from .base import OpDef, options_table, register, require
from .movement import bptr, register_dtypes
from .signature import Operand, Signature, axis_in, expect_shape
from .signature import check as check_that
from .strided_slice import DATA


@dataclass
class GatherParams:
    batch: int
    outer: int
    axis_size: int
    coords: int
    inner: int                 # bytes per slot
    fill: int                  # the input's zero point (int8; else 0), for an index out of range


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.GatherOptions)
    return dict(axis=o.Axis() if o else 0, batch_dims=o.BatchDims() if o else 0)


SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False),
                       Operand("indices", dtypes=("int32", "int64"), quantized=False)),
                      (Operand("output", dtypes=DATA, quantized=False),))


def _dims(g: Graph, op: Operator) -> tuple[int, int]:
    inp, idx = g.t(op.inputs[0]), g.t(op.inputs[1])
    rank, irank = len(inp.shape), len(idx.shape)
    check_that(rank >= 1, op, "the input is a scalar")
    axis = axis_in(op, op.options["axis"], rank)
    bd = op.options["batch_dims"]
    bd = bd + irank if bd < 0 else bd
    check_that(0 <= bd <= axis and bd < rank and bd <= irank, op,
               f"batch_dims {op.options['batch_dims']} for axis {axis}, input rank {rank} and "
               f"indices rank {irank}")
    check_that(list(inp.shape[:bd]) == list(idx.shape[:bd]), op,
               f"the first {bd} dimensions of the input {list(inp.shape)} and the indices "
               f"{list(idx.shape)} differ")
    return axis, bd


def check(g: Graph, op: Operator) -> None:
    inp, idx, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    check_that(inp.dtype == out.dtype, op, f"{inp.dtype} input, {out.dtype} output")
    axis, bd = _dims(g, op)
    if idx.is_const:
        bad = [int(v) for v in np.asarray(idx.data).reshape(-1) if not 0 <= v < inp.shape[axis]]
        check_that(not bad, op, f"index {bad[0] if bad else 0} is out of range for dimension "
                                f"{axis} of size {inp.shape[axis]}")
    expect_shape(g, op, list(inp.shape[:axis]) + list(idx.shape[bd:]) +
                 list(inp.shape[axis + 1:]), why=f"axis {axis}, batch_dims {bd}")


def evaluate(g: Graph, op: Operator) -> list:
    axis, bd = _dims(g, op)
    x, idx = np.asarray(g.t(op.inputs[0]).data), np.asarray(g.t(op.inputs[1]).data)
    if bd == 0:
        return [np.take(x, idx, axis=axis)]
    batch = x.shape[:bd]
    xs = x.reshape((-1,) + x.shape[bd:])
    ids = idx.reshape((-1,) + idx.shape[bd:])
    parts = [np.take(xs[b], ids[b], axis=axis - bd) for b in range(xs.shape[0])]
    return [np.stack(parts).reshape(batch + parts[0].shape)]


def prepare(g: Graph, op: Operator) -> None:
    inp, idx = g.t(op.inputs[0]), g.t(op.inputs[1])
    require(inp.dtype != "int64", op, "int64 at run time (int64 constants are folded)")
    require(idx.dtype == "int32" or idx.is_const, op, "computed int64 indices (TFLM runs int32)")
    axis, bd = _dims(g, op)
    shape = list(inp.shape)
    op.params = GatherParams(
        batch=int(np.prod(shape[:bd], dtype=np.int64)),
        outer=int(np.prod(shape[bd:axis], dtype=np.int64)), axis_size=shape[axis],
        coords=int(np.prod(idx.shape[bd:], dtype=np.int64)),
        inner=int(np.prod(shape[axis + 1:], dtype=np.int64)) * DTYPE_BYTES[inp.dtype],
        fill=inp.zp if inp.zero_point is not None and inp.dtype == "int8" else 0)


def emit(ctx, op: Operator) -> None:
    p, idx = op.params, ctx.g.t(op.inputs[1])
    indices = (ctx.const(idx.data.astype(np.int32), "int32_t", "gather_idx") if idx.is_const
               else ctx.ptr(op.inputs[1]))
    ctx.call("te_gather_s8", bptr(ctx, op.inputs[0]), indices, bptr(ctx, op.outputs[0]),
             p.batch, p.outer, p.axis_size, p.coords, p.inner, p.fill)


register_dtypes(register(OpDef(
    name="GATHER", stem="gather", read_options=read_options, prepare=prepare, emit=emit,
    kernels=("gather",), signature=SIGNATURE, check=check, evaluate=evaluate)))
