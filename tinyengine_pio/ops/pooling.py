"""AVERAGE_POOL_2D and MAX_POOL_2D share options, validation, parameters and call shape."""
from __future__ import annotations

from dataclasses import dataclass

import tflite

from ..ir import Graph, Operator
from .base import activation_name, options_table, padding_name, require, require_int8
from .quantized import clamp_range
from .signature import Operand, Signature
from .window import WindowParams, check_window, window_fields

POOL_SIGNATURE = Signature((Operand("input", ranks=(4,)),), (Operand("output", ranks=(4,)),))


@dataclass
class PoolParams(WindowParams):
    act_min: int
    act_max: int


def read_pool_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.Pool2DOptions)
    return dict(padding=padding_name(o.Padding()), stride_w=o.StrideW(), stride_h=o.StrideH(),
                filter_w=o.FilterWidth(), filter_h=o.FilterHeight(),
                activation=activation_name(o.FusedActivationFunction()))


def check_pool(g: Graph, op: Operator) -> None:
    check_window(g, op, op.options["filter_h"], op.options["filter_w"],
                 g.t(op.inputs[0]).shape[3])


def prepare_pool(g: Graph, op: Operator) -> None:
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(len(inp.shape) == 4, op, "expected a 4-D input")
    require(inp.s == out.s and inp.zp == out.zp, op,
            "input and output quantization must be equal (TFLite requires it for pooling)")
    fields = window_fields(g, op, op.options["filter_h"], op.options["filter_w"])
    lo, hi = clamp_range(g, op)
    op.params = PoolParams(**fields, act_min=lo, act_max=hi)


def emit_pool(func: str):
    def emit(ctx, op: Operator) -> None:
        p: PoolParams = op.params
        inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
        for b in range(p.batches):
            ctx.call(func, ctx.ptr(op.inputs[0], b * inp.size // p.batches), p.in_h, p.in_w,
                     p.in_c, p.k_h, p.k_w, p.stride_h, p.stride_w, p.pad_t, p.pad_l,
                     ctx.ptr(op.outputs[0], b * out.size // p.batches), p.out_h, p.out_w,
                     p.act_min, p.act_max)
    return emit


def pool_macs(g: Graph, op: Operator) -> int:
    return g.t(op.outputs[0]).size * op.options["filter_h"] * op.options["filter_w"]
