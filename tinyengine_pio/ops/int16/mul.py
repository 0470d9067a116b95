"""MUL int16: TFLM's mul.cc for int16 (ops/int16/binary.py: zero points 0, MulElementwise;
kernels/int16/mul.c)."""
from ..base import register
from ..mul import macs, read_options
from .binary import binary_opdef, prepare_mul

register(binary_opdef("MUL", "mul", read_options, prepare_mul, "mul_s16", "te_mul_s16",
                      macs=macs))
