"""AVERAGE_POOL_2D and MAX_POOL_2D float32 share options, validation and parameters (the int8
ones' reader and checks in ops/pooling.py); each module registers its kernel. As TFLM's
reference_ops float pools: the window clipped to the input (padding never counted), then the
activation clamp."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef
from ..pooling import check_pool, pool_macs, read_pool_options
from ..signature import Operand, Signature
from ..window import WindowParams, window_access, window_fields
from .common import F32, flit, float_clamp

SIGNATURE = Signature((Operand("input", dtypes=F32, ranks=(4,), quantized=False),),
                      (Operand("output", dtypes=F32, ranks=(4,), quantized=False),))


@dataclass
class FloatPoolParams(WindowParams):
    lo: float                      # the fused activation's clamp
    hi: float


def prepare(g: Graph, op: Operator) -> None:
    lo, hi = float_clamp(g, op)
    op.params = FloatPoolParams(**window_fields(g, op, op.options["filter_h"],
                                                op.options["filter_w"]), lo=lo, hi=hi)


def pool_opdef(name: str, stem: str) -> OpDef:
    """The OpDef of te_<stem>_f32(in, batches, in_h, in_w, c, k_h, k_w, stride_h, stride_w,
    pad_t, pad_l, out, out_h, out_w, lo, hi)."""
    def emit(ctx, op: Operator) -> None:
        p: FloatPoolParams = op.params
        ctx.call(f"te_{stem}_f32", ctx.ptr(op.inputs[0]), p.batches, p.in_h, p.in_w, p.in_c,
                 p.k_h, p.k_w, p.stride_h, p.stride_w, p.pad_t, p.pad_l, ctx.ptr(op.outputs[0]),
                 p.out_h, p.out_w, flit(p.lo), flit(p.hi))

    return OpDef(name=name, stem=stem, dtype="float32", read_options=read_pool_options,
                 prepare=prepare, emit=emit, kernels=(f"{stem}_f32",), macs=pool_macs,
                 access=window_access, signature=SIGNATURE, check=check_pool)
