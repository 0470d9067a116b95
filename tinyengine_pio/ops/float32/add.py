"""ADD float32: a + b, then the fused activation's clamp (TFLM's EvalAdd float path)."""
from __future__ import annotations

import numpy as np

from ..add import read_options
from ..base import register
from .binary import binary_opdef

register(binary_opdef("ADD", "add", np.add, read_options))
