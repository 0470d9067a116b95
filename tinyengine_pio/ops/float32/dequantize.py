"""DEQUANTIZE int16 -> float32 (the float edge of an int16 graph): TFLM's dequantize.cc runs
reference_ops::Dequantize, (float)(double scale * (q - zero point)); q - zero point has at most
17 bits, so that equals one float multiply. int8 / uint8 -> float32 stays with the primary
(ops/dequantize.py)."""
from __future__ import annotations

import numpy as np

from ...ir import Graph, Operator
from ..base import OpDef, register
from ..signature import Operand, Signature, same_shape
from .common import F32_OUT, affine_codec

SIGNATURE = Signature((Operand("input", dtypes=("int16",)),), (F32_OUT,))

prepare, emit = affine_codec("te_dequantize_s16_f32", "inputs")


def evaluate(g: Graph, op: Operator) -> list:
    inp = g.t(op.inputs[0])
    q = inp.data.astype(np.float64) - inp.zp
    with np.errstate(all="ignore"):
        return [(np.float64(np.float32(inp.s)) * q).astype(np.float32)]


register(OpDef(name="DEQUANTIZE", stem="dequantize", dtype="float32", prepare=prepare, emit=emit,
               kernels=("dequantize_f32",), signature=SIGNATURE, check=same_shape,
               evaluate=evaluate))
