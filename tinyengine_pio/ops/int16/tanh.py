"""TANH int16 as TFLM's tanh.cc (CalculateArithmeticOpData, int16) and
reference_integer_ops::Tanh(int16): LOGISTIC's Prepare (ops/int16/logistic.py) with the POT
path also taken for a left shift of 1 (input scale 2^-11); Eval reads the same sigmoid table
as tanh(x) = 2 sigmoid(2x) - 1: 256 input units per entry, the interpolated value minus 0.5,
mirrored for x < 0, into Q0.15 (kernels/int16/tanh.c)."""
from __future__ import annotations

from ..base import OpDef, register
from ..elementwise import elementwise_access
from ..signature import same_shape
from .common import S16_UNARY
from .logistic import emitter, prepare_sigmoid

register(OpDef(name="TANH", stem="tanh", dtype="int16",
               prepare=lambda g, op: prepare_sigmoid(g, op, (0, 1)),
               emit=emitter("te_tanh_s16"), kernels=("tanh_s16",),
               access=elementwise_access, signature=S16_UNARY, check=same_shape))
