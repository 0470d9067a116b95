"""AVERAGE_POOL_2D float32: TFLM's reference_ops::AveragePool float: per output the in-bounds
taps summed from 0.0f (filter_y, then filter_x), divided by their count (a float), clamped."""
from __future__ import annotations

from ..base import register
from .pooling import pool_opdef

register(pool_opdef("AVERAGE_POOL_2D", "average_pool_2d"))
