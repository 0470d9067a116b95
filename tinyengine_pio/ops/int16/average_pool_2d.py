"""AVERAGE_POOL_2D int16 (ops/int16/pooling.py; kernels/int16/average_pool_2d.c)."""
from ..base import register
from .pooling import pool_opdef

register(pool_opdef("AVERAGE_POOL_2D", "average_pool_2d"))
