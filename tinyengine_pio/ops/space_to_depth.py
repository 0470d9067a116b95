"""SPACE_TO_DEPTH int8 (TFLM space_to_depth.cc, reference_ops::SpaceToDepth): [N, H*b, W*b, C]
-> [N, H, W, b*b*C], out[n][h][w][((i*b) + j)*C + c] = in[n][h*b + i][w*b + j][c]. Pure data
movement, run by TRANSPOSE's strided-gather kernel (4 loops once the contiguous dims merge)."""
from __future__ import annotations

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, register, require_int8
from .depth_to_space import SIGNATURE, BlockParams, block_size_option, check_block
from .signature import check as check_that
from .signature import expect_shape


def check(g: Graph, op: Operator) -> None:
    b = check_block(op)
    n, h, w, c = g.t(op.inputs[0]).shape
    check_that(h % b == 0 and w % b == 0, op,
               f"the input's height {h} and width {w} are not multiples of block_size {b}")
    expect_shape(g, op, [n, h // b, w // b, c * b * b], why=f"block_size {b}")


def evaluate(g: Graph, op: Operator) -> list:
    b = op.options["block_size"]
    x = np.asarray(g.t(op.inputs[0]).data)
    n, h, w, c = x.shape
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return [y.reshape(n, h // b, w // b, b * b * c)]


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    b = op.options["block_size"]
    n, h, w, c = g.t(op.inputs[0]).shape
    # output order [n*(h/b), w/b, b (row in block), b*c]; input strides of each
    op.params = BlockParams(block=b, loops=[(n * (h // b), b * w * c), (w // b, b * c),
                                            (b, w * c), (b * c, 1)])


def emit(ctx, op: Operator) -> None:
    ctx.call("te_transpose_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in op.params.loops for v in d])


register(OpDef(name="SPACE_TO_DEPTH", stem="space_to_depth",
               read_options=block_size_option(tflite.SpaceToDepthOptions), prepare=prepare,
               emit=emit, kernels=("transpose",), signature=SIGNATURE, check=check,
               evaluate=evaluate))
