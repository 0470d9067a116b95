"""LEAKY_RELU float32 (TFLM reference_ops::LeakyRelu: `x > 0 ? x : x * alpha`, alpha any float
of the options, also above 1 or negative)."""
from __future__ import annotations

import numpy as np

from ..base import register
from ..leaky_relu import read_options
from .unary import unary_opdef


def _leaky_relu(x, options):
    return np.where(x > 0, x, x * np.float32(options.get("alpha", 0.0)))


register(unary_opdef("LEAKY_RELU", "leaky_relu", _leaky_relu, read_options,
                     args_of=lambda g, op: {"alpha": op.options.get("alpha", 0.0)}))
