"""NEG float32: TFLM's reference_ops::Negate `-x` (the sign bit flipped)."""
from __future__ import annotations

from ..base import register
from .unary import unary_opdef


def _neg(x, _options):
    return -x


register(unary_opdef("NEG", "neg", _neg))
