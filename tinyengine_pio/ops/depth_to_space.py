"""DEPTH_TO_SPACE and SPACE_TO_DEPTH int8, inverses of each other (TFLM depth_to_space.cc /
space_to_depth.cc, reference_ops::DepthToSpace / SpaceToDepth):
DEPTH_TO_SPACE [N, H, W, b*b*C] -> [N, H*b, W*b, C], out[n][h][w][c] = in[n][h/b][w/b][((h%b)*b + w%b)*C + c];
SPACE_TO_DEPTH [N, H*b, W*b, C] -> [N, H, W, b*b*C], out[n][h][w][((i*b) + j)*C + c] = in[n][h*b + i][w*b + j][c].
Pure data movement, run by TRANSPOSE's strided-gather kernel (4 loops once the contiguous dims
merge); int16, int32 and float32 as bytes (ops/movement.py; TFLM itself runs float32 and int8)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, options_table, register
from .movement import byte_loops, elem_bytes, emit_strided_copy, register_dtypes
from .signature import Operand, Signature, expect_shape
from .signature import check as check_that


@dataclass
class BlockParams:
    block: int
    loops: list[tuple[int, int]]      # (size, input byte stride) of the 4 output loops
    run: int = 0                      # elements of several bytes: bytes copied at once


SIGNATURE = Signature((Operand("input", ranks=(4,)),), (Operand("output", ranks=(4,)),))


def block_size_option(cls):
    def read_options(op_fb) -> dict:
        o = options_table(op_fb, cls)
        return {"block_size": int(o.BlockSize()) if o else 0}
    return read_options


def check_block(op: Operator) -> int:
    b = op.options["block_size"]
    check_that(b > 0, op, f"block_size {b} is not positive")
    return b


def check(g: Graph, op: Operator) -> None:
    b = check_block(op)
    n, h, w, c = g.t(op.inputs[0]).shape
    check_that(c % (b * b) == 0, op, f"the input's {c} channels are not a multiple of "
                                     f"block_size^2 = {b * b}")
    expect_shape(g, op, [n, h * b, w * b, c // (b * b)], why=f"block_size {b}")


def evaluate(g: Graph, op: Operator) -> list:
    b = op.options["block_size"]
    x = np.asarray(g.t(op.inputs[0]).data)
    n, h, w, c = x.shape
    y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return [y.reshape(n, h * b, w * b, c // (b * b))]


def block_params(g: Graph, op: Operator, loops) -> BlockParams:
    """The element loops as the int8 kernel's, or as bytes for wider elements."""
    b, elem = op.options["block_size"], elem_bytes(g, op.inputs[0])
    if elem > 1:
        return BlockParams(b, *byte_loops(op, loops, elem))
    return BlockParams(block=b, loops=loops)


def prepare(g: Graph, op: Operator) -> None:
    b = op.options["block_size"]
    n, h, w, c = g.t(op.inputs[0]).shape
    co = c // (b * b)
    # output order [n*h, b (row in block), w, b*co]; input strides of each
    op.params = block_params(g, op, [(n * h, w * c), (b, b * co), (w, c), (b * co, 1)])


def emit(ctx, op: Operator) -> None:
    if op.params.run:
        emit_strided_copy(ctx, op.inputs[0], 0, op.outputs[0], op.params.loops, op.params.run)
        return
    ctx.call("te_transpose_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in op.params.loops for v in d])


def check_s2d(g: Graph, op: Operator) -> None:
    b = check_block(op)
    n, h, w, c = g.t(op.inputs[0]).shape
    check_that(h % b == 0 and w % b == 0, op,
               f"the input's height {h} and width {w} are not multiples of block_size {b}")
    expect_shape(g, op, [n, h // b, w // b, c * b * b], why=f"block_size {b}")


def evaluate_s2d(g: Graph, op: Operator) -> list:
    b = op.options["block_size"]
    x = np.asarray(g.t(op.inputs[0]).data)
    n, h, w, c = x.shape
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return [y.reshape(n, h // b, w // b, b * b * c)]


def prepare_s2d(g: Graph, op: Operator) -> None:
    b = op.options["block_size"]
    n, h, w, c = g.t(op.inputs[0]).shape
    # output order [n*(h/b), w/b, b (row in block), b*c]; input strides of each
    op.params = block_params(g, op, [(n * (h // b), b * w * c), (w // b, b * c), (b, w * c),
                                     (b * c, 1)])


register_dtypes(register(OpDef(
    name="DEPTH_TO_SPACE", stem="depth_to_space",
    read_options=block_size_option(tflite.DepthToSpaceOptions), prepare=prepare, emit=emit,
    kernels=("transpose",), signature=SIGNATURE, check=check, evaluate=evaluate)),
    kernels=("movement",))
register_dtypes(register(OpDef(
    name="SPACE_TO_DEPTH", stem="depth_to_space",
    read_options=block_size_option(tflite.SpaceToDepthOptions), prepare=prepare_s2d, emit=emit,
    kernels=("transpose",), signature=SIGNATURE, check=check_s2d, evaluate=evaluate_s2d)),
    kernels=("movement",))
