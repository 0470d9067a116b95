"""PACK and UNPACK (axis, negative axis): int8, int16, int32 and float32 at run time (wider
elements as bytes, ops/movement.py), constants of these and int64 folded at compile time (Keras'
SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE chains).

PACK follows TFLM's PackImpl (`tensorflow/lite/micro/kernels/pack.cc`): input i fills the
output's i-th slot along the new axis, one strided block copy per input (the CONCATENATION
kernel); UNPACK (`unpack.cc`) copies the i-th slot out of the input to output i, a strided view
(the TRANSPOSE kernel, `strided_slice.gather_loops`). Both copy bytes: no requantization."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import DTYPE_BYTES, Graph, Operator
from .base import OpDef, options_table, register, require
from .movement import bptr, register_dtypes
from .signature import Operand, Signature, axis_in, expect_shape
from .signature import check as check_that
from .strided_slice import DATA, GatherParams, emit_gather, gather_loops


@dataclass
class PackParams:
    outer: int              # blocks before the axis
    copy: int               # bytes per block of one input
    count: int              # inputs


@dataclass
class UnpackParams:
    views: list[GatherParams]    # one per output


def read_pack_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.PackOptions)
    return dict(axis=o.Axis() if o else 0, values_count=o.ValuesCount() if o else 0)


def read_unpack_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.UnpackOptions)
    return dict(axis=o.Axis() if o else 0, num=o.Num() if o else 0)


PACK_SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False),),
                           (Operand("output", dtypes=DATA, quantized=False),), variadic=True)
UNPACK_SIGNATURE = Signature((Operand("input", dtypes=DATA, quantized=False),),
                             (Operand("output", dtypes=DATA, quantized=False),),
                             variadic_outputs=True)


def check_pack(g: Graph, op: Operator) -> None:
    shape = list(g.t(op.inputs[0]).shape)
    n = len(op.inputs)
    check_that(op.options["values_count"] == n, op,
               f"values_count {op.options['values_count']} for {n} inputs")
    axis = axis_in(op, op.options["axis"], len(shape) + 1)
    for pos, i in enumerate(op.inputs):
        t = g.t(i)
        check_that(list(t.shape) == shape and t.dtype == g.t(op.inputs[0]).dtype, op,
                   f"input {pos} '{t.name}' is {t.dtype} {list(t.shape)}, input 0 is "
                   f"{g.t(op.inputs[0]).dtype} {shape}")
    check_that(g.t(op.outputs[0]).dtype == g.t(op.inputs[0]).dtype, op,
               "the output's dtype differs from the inputs'")
    expect_shape(g, op, shape[:axis] + [n] + shape[axis:], why=f"{n} inputs stacked on axis {axis}")


def evaluate_pack(g: Graph, op: Operator) -> list:
    axis = op.options["axis"] % (len(g.t(op.inputs[0]).shape) + 1)
    return [np.stack([np.asarray(g.t(i).data) for i in op.inputs], axis=axis)]


def prepare_pack(g: Graph, op: Operator) -> None:
    out = g.t(op.outputs[0])
    require(out.dtype != "int64", op, "int64 at run time (int64 constants are folded)")
    axis = op.options["axis"] % len(out.shape)
    op.params = PackParams(outer=int(np.prod(out.shape[:axis], dtype=np.int64)),
                           copy=int(np.prod(out.shape[axis + 1:], dtype=np.int64))
                           * DTYPE_BYTES[out.dtype],
                           count=len(op.inputs))


def emit_pack(ctx, op: Operator) -> None:
    p = op.params
    for k, i in enumerate(op.inputs):
        ctx.call("te_concat_s8", bptr(ctx, i), bptr(ctx, op.outputs[0], k * p.copy), p.outer,
                 p.copy, p.count * p.copy)


def check_unpack(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    shape = list(inp.shape)
    check_that(len(shape) >= 1, op, "the input is a scalar")
    axis = axis_in(op, op.options["axis"], len(shape))
    check_that(len(op.outputs) == shape[axis], op,
               f"{len(op.outputs)} outputs for the input's {shape[axis]} slots on axis {axis}")
    check_that(op.options["num"] in (0, shape[axis]), op,
               f"num {op.options['num']} for {shape[axis]} slots on axis {axis}")
    for pos, o in enumerate(op.outputs):
        check_that(g.t(o).dtype == inp.dtype, op, f"output {pos} is {g.t(o).dtype}, the input "
                                                  f"{inp.dtype}")
        expect_shape(g, op, shape[:axis] + shape[axis + 1:], pos, why=f"axis {axis} removed")


def evaluate_unpack(g: Graph, op: Operator) -> list:
    x = np.asarray(g.t(op.inputs[0]).data)
    axis = op.options["axis"] % x.ndim
    return [np.take(x, k, axis=axis) for k in range(x.shape[axis])]


def prepare_unpack(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    require(inp.dtype != "int64", op, "int64 at run time (int64 constants are folded)")
    shape = list(inp.shape)
    axis = op.options["axis"] % len(shape)
    counts = shape[:axis] + [1] + shape[axis + 1:]
    op.params = UnpackParams(views=[
        gather_loops(op, shape, [k if d == axis else 0 for d in range(len(shape))], counts,
                     [1] * len(shape), DTYPE_BYTES[inp.dtype]) for k in range(shape[axis])])


def emit_unpack(ctx, op: Operator) -> None:
    for view, o in zip(op.params.views, op.outputs):
        emit_gather(ctx, op, view, op.inputs[0], o)


register_dtypes(register(OpDef(
    name="PACK", stem="pack", read_options=read_pack_options, prepare=prepare_pack,
    emit=emit_pack, kernels=("concatenation",), signature=PACK_SIGNATURE, check=check_pack,
    evaluate=evaluate_pack)))
register_dtypes(register(OpDef(
    name="UNPACK", stem="pack", read_options=read_unpack_options, prepare=prepare_unpack,
    emit=emit_unpack, kernels=("transpose",), signature=UNPACK_SIGNATURE, check=check_unpack,
    evaluate=evaluate_unpack)), kernels=("movement",))
