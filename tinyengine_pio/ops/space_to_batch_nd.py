"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND, inverses of each other (TFLM space_to_batch_nd.cc /
batch_to_space_nd.cc, reference_ops::SpaceToBatchND / BatchToSpaceND), on 4-D NHWC or 3-D NHC
inputs (TFLM's NH1C: block width 1, no left padding or crop), constant block_shape and
paddings / crops:
SPACE_TO_BATCH_ND [N, H, W, C] -> [bh*bw*N, (pt+H+pb)/bh, (pl+W+pr)/bw, C],
  out[ob][oy][ox] = in[ob % N][oy*bh + sh - pt][ox*bw + sw - pl], sh, sw = divmod(ob / N, bw),
  the pad value outside the input;
BATCH_TO_SPACE_ND [bh*bw*N, H, W, C] -> [N, H*bh - ct - cb, W*bw - cl - cr, C], its inverse.
Older converters wrap dilated convolutions in the pair. Pure data movement, one kernel on bytes
(a pixel is depth x element size bytes), so int16, int32 and float32 run the int8 code
(ops/movement.py's register_dtypes). The pad value is the output zero point for int8 and 0 for
the other dtypes, as TFLite's kernel sets it: TFLM's micro kernel never sets
SpaceToBatchParams.output_offset (its persistent buffer is left as the arena held it), so its
padded elements are whatever bytes were there; the unpadded ones are byte-exact with it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import DTYPE_BYTES, NP_TYPES, Graph, Operator
from .base import OpDef, register
from .movement import bptr, register_dtypes
from .signature import Operand, Signature, const_int, expect_shape
from .signature import check as check_that


@dataclass
class SpaceBatchParams:
    in_shape: list[int]       # 4-D input [n, h, w, c]
    out_shape: list[int]      # 4-D output
    block: list[int]          # [bh, bw]
    before: list[int]         # S2B: [pt, pl] padding; B2S: [ct, cl] crops
    elem: int                 # bytes per element
    pad: int | float = 0      # S2B's pad value


SIGNATURE = Signature((Operand("input", ranks=(3, 4)), const_int("block_shape"),
                       const_int("paddings", ranks=(2,))),
                      (Operand("output", ranks=(3, 4)),))
SIGNATURE_B2S = Signature((SIGNATURE.inputs[0], SIGNATURE.inputs[1],
                           const_int("crops", ranks=(2,))), SIGNATURE.outputs)


def _spatial(g: Graph, op: Operator) -> tuple[list[int], np.ndarray]:
    """(block [bh, bw], [[before, after]] x 2) as 4-D (3-D: block width 1, no padding)."""
    rank = len(g.t(op.inputs[0]).shape)
    bs = np.asarray(g.t(op.inputs[1]).data, np.int64).reshape(-1)
    pads = np.asarray(g.t(op.inputs[2]).data, np.int64)
    m = rank - 2
    check_that(bs.size == m, op, f"block_shape has {bs.size} values, expected {m} for the "
                                 f"rank-{rank} input")
    name = "paddings" if op.kind == "SPACE_TO_BATCH_ND" else "crops"
    check_that(list(pads.shape) == [m, 2], op, f"{name} have shape {list(pads.shape)}, "
                                               f"expected [{m}, 2]")
    check_that(bool((bs > 0).all()), op, f"block_shape {bs.tolist()} is not positive")
    check_that(bool((pads >= 0).all()), op, f"negative {name} {pads.tolist()}")
    block = [int(v) for v in bs] + [1] * (2 - m)
    p = pads.reshape(m, 2).tolist() + [[0, 0]] * (2 - m)
    return block, np.asarray(p, np.int64)


def _as4d(shape) -> list[int]:
    shape = list(shape)
    return shape if len(shape) == 4 else [shape[0], shape[1], 1, shape[2]]


def _out_shape(g: Graph, op: Operator) -> list[int]:
    shape = list(g.t(op.inputs[0]).shape)
    block, p = _spatial(g, op)
    n, h, w, c = _as4d(shape)
    bh, bw = block
    if op.kind == "SPACE_TO_BATCH_ND":
        ph, pw = h + int(p[0].sum()), w + int(p[1].sum())
        check_that(ph % bh == 0 and pw % bw == 0, op,
                   f"the padded height {ph} and width {pw} are not multiples of block_shape "
                   f"{block[:len(shape) - 2]}")
        out = [n * bh * bw, ph // bh, pw // bw, c]
    else:
        check_that(n % (bh * bw) == 0, op, f"the input batch {n} is not a multiple of the "
                                           f"block size {bh * bw}")
        oh, ow = h * bh - int(p[0].sum()), w * bw - int(p[1].sum())
        check_that(oh > 0 and ow > 0, op, f"the crops {p.tolist()} leave no output")
        out = [n // (bh * bw), oh, ow, c]
    return out if len(shape) == 4 else [out[0], out[1], out[3]]


def check(g: Graph, op: Operator) -> None:
    expect_shape(g, op, _out_shape(g, op), why=f"block_shape and {op.kind.split('_')[0].lower()}")


def _pad_value(g: Graph, op: Operator):
    out = g.t(op.outputs[0])
    return out.zp if out.dtype == "int8" else 0


def prepare(g: Graph, op: Operator) -> None:
    block, p = _spatial(g, op)
    op.params = SpaceBatchParams(
        in_shape=_as4d(g.t(op.inputs[0]).shape), out_shape=_as4d(g.t(op.outputs[0]).shape),
        block=block, before=[int(p[0][0]), int(p[1][0])],
        elem=DTYPE_BYTES[g.t(op.outputs[0]).dtype], pad=_pad_value(g, op))


def evaluate(g: Graph, op: Operator) -> list:
    """numpy: the same gathers as the kernels."""
    prepare(g, op)
    q = op.params
    x = np.asarray(g.t(op.inputs[0]).data).reshape(q.in_shape)
    n, h, w, _ = q.in_shape
    on, oh, ow, _ = q.out_shape
    (bh, bw), (t, left) = q.block, q.before
    y = np.empty(q.out_shape, x.dtype)
    for ob in range(on):
        for oy in range(oh):
            for ox in range(ow):
                if op.kind == "SPACE_TO_BATCH_ND":
                    sh, sw = divmod(ob // n, bw)
                    iy, ix = oy * bh + sh - t, ox * bw + sw - left
                    inside = 0 <= iy < h and 0 <= ix < w
                    y[ob, oy, ox] = x[ob % n, iy, ix] if inside else q.pad
                else:
                    iy, ix = oy + t, ox + left
                    y[ob, oy, ox] = x[((iy % bh) * bw + ix % bw) * on + ob, iy // bh, ix // bw]
    return [y.reshape(g.t(op.outputs[0]).shape)]


def emit(ctx, op: Operator) -> None:
    q = op.params
    n, h, w, c = q.in_shape
    on, oh, ow, _ = q.out_shape
    run = c * q.elem
    if op.kind == "SPACE_TO_BATCH_ND":
        dtype = ctx.g.t(op.outputs[0]).dtype
        pad = np.array([q.pad], NP_TYPES[dtype]).view(np.int8)
        pad_name = ctx.const(pad, "int8_t", "pad_value")
        ctx.call("te_space_to_batch_nd", bptr(ctx, op.inputs[0]), bptr(ctx, op.outputs[0]),
                 n, h, w, run, on, oh, ow, *q.block, *q.before, pad_name, q.elem)
        return
    ctx.call("te_batch_to_space_nd", bptr(ctx, op.inputs[0]), bptr(ctx, op.outputs[0]),
             h, w, run, on, oh, ow, *q.block, *q.before)


register_dtypes(register(OpDef(
    name="SPACE_TO_BATCH_ND", stem="space_to_batch_nd", prepare=prepare, emit=emit,
    kernels=("space_to_batch_nd",), signature=SIGNATURE, check=check, evaluate=evaluate)))
register_dtypes(register(OpDef(
    name="BATCH_TO_SPACE_ND", stem="space_to_batch_nd", prepare=prepare, emit=emit,
    kernels=("space_to_batch_nd",), signature=SIGNATURE_B2S, check=check, evaluate=evaluate)))
