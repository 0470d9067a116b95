"""LOGISTIC int16 as TFLM's logistic_common.cc (CalculateArithmeticOpDataLogistic, int16) and
reference_integer_ops::Logistic(int16): the input rescaled to units of 1 / (3 * 4096), i.e.
512 units per entry of the 256-entry sigmoid table (sigmoid(i / 24), ops/int16/sigmoid_table),
interpolated on |x| and mirrored for x < 0, into Q0.15.

Prepare (shared with TANH, ops/int16/tanh.py): zero points 0; the output scale must pass
CheckedLog2 (float log2 within 1e-3 of an integer) with log2 -15. A power-of-two input scale
(CheckedLog2) whose left shift 12 + log2 is 0 (TANH: 0 or 1) takes the POT path: multiplier 0,
which Eval turns into 3 << shift and shift 0. Any other scale: multiplier = double(scale) *
4096 * 3, doubled (left shift + 1) while <= 32767 / 2 and the shift <= 30, then truncated to
int32; Eval computes (x * multiplier + round) >> shift in int32. Refused: a multiplier
truncated to 0 (scale below ~3.8e-14: Eval would take it for the POT case and overflow
3 << 31) and one above 65536 (scale above ~5.3: x * multiplier overflows int32; TFLM only
DCHECKs multiplier <= 32767)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...ir import Graph, Operator
from ...quant import tflite_round
from ..base import OpDef, register, require
from ..elementwise import elementwise_access
from ..signature import same_shape
from .common import S16_UNARY
from .sigmoid_table import sigmoid_table

OUTPUT_LOG2 = -15            # kOutputFractionalBits
POT_BASE_SHIFT = 15 - 3      # 15 - kInputIntegerBits
MAX_MULT = 1 << 16           # |x| <= 32768: x * multiplier within int32


@dataclass
class Int16SigmoidParams:
    n: int
    mult: int        # the effective multiplier (the POT path's 3 << shift already applied)
    shift: int


def checked_log2(x: float) -> tuple[bool, int]:
    """CheckedLog2: float32 log(x) * (1 / log(2)), rounded half away from zero; a power of two
    when the float difference to the rounded value is below 1e-3."""
    f = np.float32
    inv_ln2 = f(1.0) / f(math.log(f(2.0)))
    log2 = f(f(math.log(f(x))) * inv_ln2)
    rounded = f(tflite_round(float(log2)))
    return bool(abs(f(log2 - rounded)) < f(1e-3)), int(rounded)


def input_scaling(scale: float, pot_shifts: tuple[int, ...]) -> tuple[int, int]:
    """(multiplier, right shift) of Eval's (x * multiplier + round) >> shift; the POT case
    (left shift in `pot_shifts`) as Eval runs it: 3 << left shift, shift 0."""
    pot, log2 = checked_log2(scale)
    left = POT_BASE_SHIFT + log2
    if pot and left in pot_shifts:
        return 3 << left, 0
    m = float(np.float32(scale)) * 4096.0 * 3.0
    shift = 0
    while m <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        m *= 2.0
    return int(m), shift


def prepare_sigmoid(g: Graph, op: Operator, pot_shifts: tuple[int, ...]) -> None:
    """The int16 LOGISTIC / TANH Prepare (see the module docstring)."""
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(inp.zp == 0, op, f"int16 input zero point must be 0 (TFLM's requirement), got {inp.zp}")
    require(out.zp == 0, op, f"int16 output zero point must be 0 (TFLM's requirement), got {out.zp}")
    pot, log2 = checked_log2(out.s)
    require(pot and log2 == OUTPUT_LOG2, op,
            f"int16 output scale must be 2^-15 (TFLM's requirement), got {out.s}")
    mult, shift = input_scaling(inp.s, pot_shifts)
    require(mult > 0, op, f"input scale {inp.s} is too small for TFLM's int16 {op.kind} (its "
                          "multiplier truncates to 0, which Eval mistakes for the power-of-two case)")
    require(mult <= MAX_MULT, op, f"input scale {inp.s} is too large for TFLM's int16 {op.kind} "
                                  f"(x * {mult} overflows int32)")
    op.params = Int16SigmoidParams(out.size, mult, shift)


def emitter(func: str):
    def emit(ctx, op: Operator) -> None:
        p: Int16SigmoidParams = op.params
        ctx.call(func, ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.mult, p.shift,
                 ctx.const(sigmoid_table(), "uint16_t", "sigmoid_table",
                           comment="sigmoid(i / 24) in 0.16 (TFLite's int16 LOGISTIC / TANH table)"))
    return emit


register(OpDef(name="LOGISTIC", stem="logistic", dtype="int16",
               prepare=lambda g, op: prepare_sigmoid(g, op, (0,)),
               emit=emitter("te_logistic_s16"), kernels=("logistic_s16",),
               access=elementwise_access, signature=S16_UNARY, check=same_shape))
