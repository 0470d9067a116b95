"""What the int16x8 implementations share: their operands (int16 activations, int8 weights,
int64 or int32 bias), the fused activation's int16 clamp (TFLM's
CalculateActivationRangeQuantized over [-32768, 32767]), the per-channel multipliers of the
int64 requantization and the accumulator bounds TFLM's reference kernels assume.

TFLM's 16x8 conv-like kernels accumulate in int64 and requantize with
MultiplyByQuantizedMultiplier(int64_t, ...) (kernels/internal/common.cc): the multiplier is
rounded to 16 bits, ((m + 2^15) >> 16, or 0x7FFF at the top), then x * m16 shifted right by
15 - shift with rounding; TFLM asserts -31 <= shift < 8 and |x| < 2^47 there. An int32 bias
(CONV_2D, FULLY_CONNECTED) selects the int32 accumulator and the 32-bit (gemmlowp)
MultiplyByQuantizedMultiplier instead, as does a missing bias whose options say
quantized_bias_type INT32."""
from __future__ import annotations

import numpy as np
import tflite

from ...ir import Graph, Operator, Tensor
from ...quant import activation_range, quantize_multiplier
from ..base import require
from ..signature import Operand, Signature

S16 = ("int16",)
INT16_MIN, INT16_MAX = -32768, 32767
S16_IN = Operand("input", dtypes=S16)
S16_OUT = Operand("output", dtypes=S16)
S16_UNARY = Signature((S16_IN,), (S16_OUT,))
S16_BINARY = Signature((Operand("input 0", dtypes=S16), Operand("input 1", dtypes=S16)),
                       (S16_OUT,))
# the bias of a 16x8 conv / FC: int64, or int32 (TFLM's int32 accumulator in CONV_2D and
# FULLY_CONNECTED; refused by DEPTHWISE_CONV_2D's prepare)
BIAS_64_32 = Operand("bias", dtypes=("int64", "int32"), ranks=(1,), const=True, quantized=False,
                     optional=True)

MAX_SHIFT_64 = 7               # MultiplyByQuantizedMultiplier(int64_t): shift < 8
ACC64_BOUND = 1 << 47          # ... and |x| < 2^47
ACC32_BOUND = (1 << 31) - 1


def int16_clamp(g: Graph, op: Operator) -> tuple[int, int]:
    """The fused activation as an int16 [lo, hi] (CalculateActivationRangeQuantized)."""
    out = g.t(op.outputs[0])
    return activation_range(op.options.get("activation", "NONE"), out.s, out.zp,
                            INT16_MIN, INT16_MAX)


def has_input(op: Operator, pos: int) -> bool:
    return len(op.inputs) > pos and op.inputs[pos] >= 0


def bias_of(g: Graph, op: Operator, pos: int) -> np.ndarray | None:
    """The constant bias at input `pos` as int64 (None when omitted)."""
    return g.t(op.inputs[pos]).data.astype(np.int64).reshape(-1) if has_input(op, pos) else None


def wide_accumulator(g: Graph, op: Operator, pos: int) -> bool:
    """TFLM's choice of accumulator: int64 unless the bias is int32, or, without a bias, the
    options' quantized_bias_type is INT32 (CONV_2D, FULLY_CONNECTED)."""
    if has_input(op, pos):
        return g.t(op.inputs[pos]).dtype == "int64"
    return op.options.get("quantized_bias_type", 0) != tflite.TensorType.INT32


def channel_multipliers(inp: Tensor, w: Tensor, out: Tensor, channels: int,
                        wide: bool) -> tuple[np.ndarray, np.ndarray]:
    """PopulateConvolutionQuantizationParams: per channel (a per-tensor filter scale broadcast)
    QuantizeMultiplier(double(input scale) * double(filter scale) / double(output scale)).
    The int64 requantization allows a left shift of at most 7 bits."""
    mults, shifts = [], []
    for c in range(channels):
        ws = float(w.scale[c if w.per_channel else 0])
        m, s = checked_multiplier(inp.s * ws / out.s, wide)
        mults.append(m)
        shifts.append(s)
    return np.array(mults, np.int32), np.array(shifts, np.int32)


def checked_multiplier(real: float, wide: bool) -> tuple[int, int]:
    """QuantizeMultiplier; a ScaleError (named by the requantize pass) where the
    requantization cannot take its shift (int64: 7 bits, int32: 30)."""
    return quantize_multiplier(real, MAX_SHIFT_64 if wide else 30)


def check_accumulator(op: Operator, products: int, max_abs_input: int, bias, wide: bool) -> None:
    """Refuse an accumulator TFLM's kernel could overflow (int32) or whose int64 value leaves
    the |x| < 2^47 range MultiplyByQuantizedMultiplier(int64_t) asserts."""
    worst = products * max_abs_input * 128
    worst += int(np.abs(bias).max()) if bias is not None and bias.size else 0
    bound = ACC64_BOUND - 1 if wide else ACC32_BOUND
    require(worst <= bound, op, f"{products} products per output plus the bias may reach "
                                f"{worst:,}, beyond the {'int64 requantization' if wide else 'int32 accumulator'}"
                                f"'s bound {bound:,}")


def refuse_int32_bias(g: Graph, op: Operator, pos: int, kernel: str, expected: str) -> None:
    """TFLM's int16 `kernel` reads any bias but an int16 one as int64: an int32 bias (allowed
    by BIAS_64_32 for CONV_2D / FULLY_CONNECTED's sake) is refused."""
    require(not has_input(op, pos) or g.t(op.inputs[pos]).dtype != "int32", op,
            f"the bias is int32; TFLM's int16 {kernel} reads it as int64 (expected {expected})")


def requantization(g: Graph, op: Operator, inp: Tensor, w: Tensor, out: Tensor, channels: int,
                   products: int, bias_pos: int, wide: bool) -> tuple[np.ndarray, np.ndarray,
                                                                       int, int]:
    """What the 16x8 convolutions (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV) prepare alike:
    the per-channel multipliers, the accumulator bound over `products` int16 x int8 products
    plus the bias at input `bias_pos`, and the activation's int16 clamp. Returns
    (mult, shift, act_min, act_max)."""
    mult, shift = channel_multipliers(inp, w, out, channels, wide)
    check_accumulator(op, products, 32768, bias_of(g, op, bias_pos), wide)
    lo, hi = int16_clamp(g, op)
    return mult, shift, lo, hi


def require_symmetric(g: Graph, op: Operator) -> tuple[Tensor, Tensor, Tensor]:
    """CONV_2D / DEPTHWISE_CONV_2D int16: TFLM's kernels apply no zero point, so the input,
    filter and output must have zero point 0. Returns (input, filter, output)."""
    inp, w, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(int(np.max(np.abs(w.zero_point))) == 0, op, "filter zero point must be 0")
    for what, t in (("input", inp), ("output", out)):
        require(t.zp == 0, op, f"{what} zero point is {t.zp}; int16 activations are symmetric "
                               "(TFLM's int16 kernel ignores the zero point)")
    return inp, w, out
