"""PAD / PADV2 (up to 4-D): fill with the pad value, copy the input rows inside. int8, and
int16, int32 and float32 as bytes (ops/movement.py). The pad value, as TFLM's pad.cc: PADV2's
constant_values (its raw value), else the output zero point for int8 and 0 (0.0f) for the others
(TFLM pads int16 with 0 whatever its zero point). Most int8 PADs before a convolution are
folded away by passes/fold_pad.py."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import DTYPE_BYTES, NP_TYPES, Graph, Operator
from .base import OpDef, register, require
from .movement import bptr, register_dtypes
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that


@dataclass
class PadParams:
    in_shape: list[int]       # 4-D
    out_shape: list[int]
    before: list[int]         # padding before each dim
    value: int | float        # the pad value (raw: an int8 byte, or the element's value)
    elem: int = 1             # bytes per element (> 1: te_pad_pattern, dims 3 in bytes)


SIGNATURE = Signature((Operand("input"), const_int("paddings", ranks=(2,))))
SIGNATURE_V2 = Signature((*SIGNATURE.inputs, Operand("constant_values", const=True, quantized=False,
                                                     optional=True)))


def check(g: Graph, op: Operator) -> None:
    inp, pads = g.t(op.inputs[0]), g.t(op.inputs[1])
    rank = len(inp.shape)
    check_that(list(pads.shape) == [rank, 2], op, f"paddings have shape {list(pads.shape)}, "
                                                  f"expected [{rank}, 2] for the rank-{rank} input")
    p = np.asarray(pads.data, dtype=np.int64).reshape(rank, 2)
    check_that(bool((p >= 0).all()), op, f"negative paddings {p.tolist()}")
    expect_shape(g, op, [d + int(a) + int(b) for d, (a, b) in zip(inp.shape, p)],
                 why=f"paddings {p.tolist()}")
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        check_that(g.t(op.inputs[2]).size == 1, op, "constant_values must hold one value")


def prepare(g: Graph, op: Operator) -> None:
    inp, pads, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(pads.is_const, op, "paddings must be a constant tensor")
    p = np.asarray(pads.data, dtype=np.int64).reshape(-1, 2)
    rank = len(inp.shape)
    require(p.shape[0] == rank and rank <= 4, op, "paddings must match an input of rank <= 4")
    require(bool((p >= 0).all()), op, "negative paddings are not supported")
    value = out.zp if out.dtype == "int8" else 0
    if op.kind == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        cv = g.t(op.inputs[2])
        require(cv.is_const, op, "constant_values must be a constant tensor")
        value = np.asarray(cv.data).reshape(-1)[0].item()
    in_shape = [1] * (4 - rank) + list(inp.shape)
    p4 = [[0, 0]] * (4 - rank) + p.tolist()
    out_shape = [d + a + b for d, (a, b) in zip(in_shape, p4)]
    require(int(np.prod(out_shape)) == out.size, op, "output shape does not match the paddings")
    e = DTYPE_BYTES[out.dtype]
    if e > 1:                       # the innermost dimension in bytes
        in_shape[3], out_shape[3], p4[3] = in_shape[3] * e, out_shape[3] * e, [p4[3][0] * e, 0]
    op.params = PadParams(in_shape=in_shape, out_shape=out_shape, before=[a for a, _ in p4],
                          value=value, elem=e)


def emit(ctx, op: Operator) -> None:
    p = op.params
    if p.elem > 1:
        out = ctx.g.t(op.outputs[0])
        value = ctx.const(np.array([p.value], NP_TYPES[out.dtype]), out.ctype, "pad_value")
        ctx.call("te_pad_pattern", bptr(ctx, op.inputs[0]), bptr(ctx, op.outputs[0]),
                 *p.in_shape, *p.out_shape, *p.before, f"(const int8_t *){value}", p.elem)
        return
    ctx.call("te_pad_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), *p.in_shape,
             *p.out_shape, *p.before, p.value)


register_dtypes(register(OpDef(name="PAD", stem="pad", prepare=prepare, emit=emit,
                               kernels=("pad",), is_pad=True, signature=SIGNATURE, check=check)),
                kernels=("movement",))
register_dtypes(register(OpDef(name="PADV2", stem="pad", prepare=prepare, emit=emit,
                               kernels=("pad",), is_pad=True, signature=SIGNATURE_V2,
                               check=check)), kernels=("movement",))
