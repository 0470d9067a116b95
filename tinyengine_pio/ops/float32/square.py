"""SQUARE float32: TFLM's `x * x`."""
from __future__ import annotations

from ..base import register
from .unary import unary_opdef


def _square(x, _options):
    return x * x


register(unary_opdef("SQUARE", "square", _square))
