"""AVERAGE_POOL_2D int8: mean of the in-bounds window (padding not counted), rounded half away from zero."""
from __future__ import annotations

from ..ir import Operator
from ..stages.rows import window_rows
from ..variants import KernelCall
from .base import OpDef, register
from .pooling import (
    POOL_SIGNATURE,
    PoolParams,
    check_pool,
    emit_pool,
    pool_macs,
    prepare_pool,
    read_pool_options,
)
from .window import window_access

DSP_MAX_WINDOW = 255       # dsp/average_pool_2d.c: int16 lane sums, 255 * 128 < 2^15


def emit(ctx, op: Operator) -> None:
    """The DSP kernel (four channels per SXTAB16 pair) where every window holds at most
    DSP_MAX_WINDOW inputs and not --optimize size, the portable loop elsewhere."""
    p: PoolParams = op.params
    if (p.batches != 1 or p.k_h * p.k_w > DSP_MAX_WINDOW or p.in_c < 4
            or ctx.g.config.get("optimize") == "size"):
        return emit_pool("te_average_pool_2d_s8")(ctx, op)
    args = (ctx.ptr(op.inputs[0]), p.in_h, p.in_w, p.in_c, p.k_h, p.k_w, p.stride_h, p.stride_w,
            p.pad_t, p.pad_l, ctx.ptr(op.outputs[0]), p.out_h, p.out_w, p.act_min, p.act_max)
    ctx.dispatch(KernelCall("dsp", "te_average_pool_2d_dsp", args),
                 KernelCall("portable", "te_average_pool_2d_s8", args))


register(OpDef(name="AVERAGE_POOL_2D", stem="average_pool_2d", read_options=read_pool_options,
               prepare=prepare_pool, emit=emit,
               kernels=("average_pool_2d",), macs=pool_macs,
               access=window_access, fuses_activation=True,
               signature=POOL_SIGNATURE, check=check_pool, rows=window_rows))
