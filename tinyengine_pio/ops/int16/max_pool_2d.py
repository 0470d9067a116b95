"""MAX_POOL_2D int16 (ops/int16/pooling.py; kernels/int16/max_pool_2d.c)."""
from ..base import register
from .pooling import pool_opdef

register(pool_opdef("MAX_POOL_2D", "max_pool_2d"))
