"""MEAN int8 over any set of axes (TFLM QuantizedMeanOrSum arithmetic)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from ..quant import quantize_multiplier
from .base import OpDef, options_table, register, require, require_int8
from .signature import Operand, Signature, axis_in, const_int, expect_shape
from .signature import check as check_that


@dataclass
class MeanParams:
    kept: list[tuple[int, int]]      # (size, element stride) of the 4 kept dims, outer first
    red: list[tuple[int, int]]       # ... of the 4 reduced dims
    count: int                       # elements averaged
    in_zp: int
    out_zp: int
    mult: int
    shift: int


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.ReducerOptions)
    return dict(keep_dims=bool(o.KeepDims()) if o else False)


SIGNATURE = Signature((Operand("input"), const_int("axis", ranks=(0, 1))))


def check(g: Graph, op: Operator) -> None:
    inp = g.t(op.inputs[0])
    rank = len(inp.shape)
    check_that(rank >= 1, op, "the input is a scalar")
    axes = {axis_in(op, int(a), rank) for a in np.asarray(g.t(op.inputs[1]).data).reshape(-1)}
    if op.options["keep_dims"]:
        shape = [1 if k in axes else d for k, d in enumerate(inp.shape)]
    else:
        shape = [d for k, d in enumerate(inp.shape) if k not in axes]
    expect_shape(g, op, shape, why=f"reducing axes {sorted(axes)}")


def prepare(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    op.params = mean_params(g, op)


def mean_params(g: Graph, op: Operator) -> MeanParams:
    """The loops and requantization of QuantizedMeanOrSum (every integer dtype)."""
    inp, ax, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(ax.is_const, op, "axis must be a constant tensor")
    rank = len(inp.shape)
    axes = sorted({int(a) % rank for a in np.asarray(ax.data).reshape(-1)})
    n = int(np.prod([inp.shape[a] for a in axes], dtype=np.int64)) if axes else 1
    mult, shift = quantize_multiplier(inp.s / out.s)
    # QuantizedMeanOrSum folds 1/n into the multiplier
    s = min(n.bit_length() - 1, 32, 31 + shift)
    mult = ((mult << s) // n) if s >= 0 else mult
    shift -= s
    strides = [int(np.prod(inp.shape[i + 1:], dtype=np.int64)) for i in range(rank)]
    kept = [(inp.shape[i], strides[i]) for i in range(rank) if i not in axes and inp.shape[i] > 1]
    red = [(inp.shape[i], strides[i]) for i in axes if inp.shape[i] > 1]
    require(len(kept) <= 4 and len(red) <= 4, op, "at most 4 kept and 4 reduced dimensions")
    kept = [(1, 0)] * (4 - len(kept)) + kept
    red = [(1, 0)] * (4 - len(red)) + red
    return MeanParams(kept=kept, red=red, count=n, in_zp=inp.zp, out_zp=out.zp, mult=mult,
                      shift=shift)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_mean_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]),
             *[v for d in p.kept for v in d], *[v for d in p.red for v in d],
             p.count, p.in_zp, p.mult, p.shift, p.out_zp)


def macs(g: Graph, op: Operator) -> int:
    return g.t(op.inputs[0]).size


register(OpDef(name="MEAN", stem="mean", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("mean",), macs=macs,
               signature=SIGNATURE, check=check))
