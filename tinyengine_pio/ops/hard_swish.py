"""HARD_SWISH int8: TFLM's int16 fixed-point algorithm, tabulated on the host."""
from __future__ import annotations

import numpy as np

from .. import fixedpoint as fx
from ..ir import Graph, Operator
from ..quant import f32, quantize_multiplier
from .base import OpDef, register, require
from .elementwise import elementwise_access
from .lut import emit_table, prepare_table
from .signature import same_shape


def _to_int16_multiplier(m32: int) -> int:
    """DownScaleInt32ToInt16Multiplier."""
    if m32 >= (1 << 31) - 1 - (1 << 15):
        return (1 << 15) - 1
    return (m32 + (1 << 15)) >> 16


def _sat16(v: int) -> int:
    return max(-(1 << 15), min((1 << 15) - 1, v))


def _i16(v: int) -> int:
    return (v + (1 << 15)) % (1 << 16) - (1 << 15)


def _rdbpot16(x: int, exponent: int) -> int:
    """gemmlowp RoundingDivideByPOT<int16_t>: the mask is truncated to int16, so for exponent
    >= 16 it becomes -1 and TFLM returns +1 for x >= 0 and -1 for x < 0 (reproduced here)."""
    mask = _i16((1 << exponent) - 1)
    threshold = _i16((mask >> 1) + (1 if x < 0 else 0))
    return _i16((x >> exponent) + (1 if (x & mask) > threshold else 0))


def prepare(g: Graph, op: Operator) -> None:
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    hires = f32(np.float32(1.0 / 128.0) * np.float32(inp.s))
    out_m, out_e = quantize_multiplier(f32(np.float32(hires) / np.float32(out.s)))
    rel_m, rel_e = quantize_multiplier(f32(np.float32(hires) / np.float32(3.0 / 32768.0)))
    require(out_e <= 0, op, "output scale too small relative to the input scale")
    out_m16, rel_m16 = _to_int16_multiplier(out_m), _to_int16_multiplier(rel_m)

    def fn(q: int) -> int:
        x = _i16(q - inp.zp)
        hi = _i16(x * (1 << 7))
        pre = fx.srdhm16(hi, out_m16)
        r = hi
        if rel_e > 0:
            r = _sat16(r * (1 << (rel_e - 1)))
        r = fx.srdhm16(r, rel_m16)
        if rel_e > 0:
            r = _sat16(r * 2)
        if rel_e < 0:
            r = _rdbpot16(r, -rel_e)
        r = (r + (1 << 15)) >> 1
        prod = (1 << 15) - 1 if r == pre == -(1 << 15) else int(r * pre / (1 << 15))
        v = _i16(_rdbpot16(_i16(prod), -out_e) + out.zp)
        return max(-128, min(127, v))
    prepare_table(g, op, fn)


register(OpDef(name="HARD_SWISH", stem="hard_swish", prepare=prepare, emit=emit_table,
               kernels=("lut",),
               access=elementwise_access,
               check=same_shape))
