"""AVERAGE_POOL_2D int8: mean of the in-bounds window (padding not counted), rounded half away from zero."""
from __future__ import annotations

from ..stages.rows import window_rows
from .base import OpDef, register
from .pooling import (
    POOL_SIGNATURE,
    check_pool,
    emit_pool,
    pool_macs,
    prepare_pool,
    read_pool_options,
)
from .window import window_access

register(OpDef(name="AVERAGE_POOL_2D", stem="average_pool_2d", read_options=read_pool_options,
               prepare=prepare_pool, emit=emit_pool("te_average_pool_2d_s8"),
               kernels=("average_pool_2d",), macs=pool_macs,
               access=window_access, fuses_activation=True,
               signature=POOL_SIGNATURE, check=check_pool, rows=window_rows))
