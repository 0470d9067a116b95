"""MAX_POOL_2D float32: TFLM's reference_ops::MaxPool float: per output std::max over the
in-bounds taps (filter_y, then filter_x) from std::numeric_limits<float>::lowest() (so a NaN
tap is skipped, and of +0 / -0 the first seen stays), then the clamp."""
from __future__ import annotations

from ..base import register
from .pooling import pool_opdef

register(pool_opdef("MAX_POOL_2D", "max_pool_2d"))
