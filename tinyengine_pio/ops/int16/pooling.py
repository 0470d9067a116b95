"""AVERAGE_POOL_2D and MAX_POOL_2D int16 (the int8 ones' option reader and window checks in
ops/pooling.py): TFLM's pooling_common.cc requires the output scale within 1e-6 of the
input's and equal zero points, and clamps to the fused activation's int16 range;
reference_integer_ops::AveragePool / MaxPool<int16_t> (kernels/int16/average_pool_2d.c,
max_pool_2d.c)."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, require
from ..pooling import check_pool, pool_macs, read_pool_options
from ..signature import Operand, Signature
from ..window import WindowParams, window_fields
from .common import S16, int16_clamp

SIGNATURE = Signature((Operand("input", dtypes=S16, ranks=(4,)),),
                      (Operand("output", dtypes=S16, ranks=(4,)),))


@dataclass
class Int16PoolParams(WindowParams):
    act_min: int
    act_max: int


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(abs(inp.s - out.s) <= 1e-6 and inp.zp == out.zp, op,
            "input and output quantization must be equal (TFLM requires it for pooling)")
    k_h, k_w = op.options["filter_h"], op.options["filter_w"]
    require(k_h * k_w <= 65536, op, f"a {k_h}x{k_w} window may overflow TFLM's int32 sum")
    lo, hi = int16_clamp(g, op)
    op.params = Int16PoolParams(**window_fields(g, op, k_h, k_w), act_min=lo, act_max=hi)


def pool_opdef(name: str, stem: str) -> OpDef:
    """The OpDef of te_<stem>_s16(in, in_h, in_w, c, k_h, k_w, stride_h, stride_w, pad_t,
    pad_l, out, out_h, out_w, act_min, act_max), one call per batch."""
    def emit(ctx, op: Operator) -> None:
        p: Int16PoolParams = op.params
        inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
        for b in range(p.batches):
            ctx.call(f"te_{stem}_s16", ctx.ptr(op.inputs[0], b * inp.nbytes // p.batches),
                     p.in_h, p.in_w, p.in_c, p.k_h, p.k_w, p.stride_h, p.stride_w, p.pad_t,
                     p.pad_l, ctx.ptr(op.outputs[0], b * out.nbytes // p.batches), p.out_h,
                     p.out_w, p.act_min, p.act_max)

    return OpDef(name=name, stem=stem, dtype="int16", read_options=read_pool_options,
                 prepare=prepare, emit=emit, kernels=(f"{stem}_s16",), macs=pool_macs,
                 signature=SIGNATURE, check=check_pool)
