"""Integer quantization shared by several operators: activation clamps, per-channel conv
multipliers, biases, the input-offset fold and the DSP kernels' fast requantization."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ir import Graph, Operator, Tensor
from ..quant import activation_range, quantize_multiplier
from .base import require, require_int8


@dataclass
class RequantFields:
    """What every conv / FC kernel takes to requantize its int32 accumulators per channel."""
    in_off: int                    # -input zero point (0 once folded into the bias)
    out_off: int
    act_min: int
    act_max: int
    mult: np.ndarray
    shift: np.ndarray
    bias: np.ndarray
    unfolded: tuple | None = field(default=None, kw_only=True)   # (bias, in_off) before the fold
    fast: tuple | None = field(default=None, kw_only=True)       # SIMD (bias, m, cc, e) / row

    def offset_folded(self, _variant: str | None) -> bool:
        """Does `variant` run with the input offset folded into the bias?"""
        return self.unfolded is not None


def requant_fields(g: Graph, op: Operator, channels: int, mult=None, shift=None) -> dict:
    """RequantFields of an op with input 0, weights 1, optional bias 2 and output 0 (per-channel
    multipliers unless `mult`, `shift` are given)."""
    inp, w, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    if mult is None:
        mult, shift = conv_multipliers(inp, w, out, channels)
    lo, hi = clamp_range(g, op)
    return dict(in_off=-inp.zp, out_off=out.zp, act_min=lo, act_max=hi, mult=mult, shift=shift,
                bias=bias_or_zeros(g, op, 2, channels))


def check_filter(g: Graph, op: Operator, quant_dim: int):
    """CONV_2D / DEPTHWISE_CONV_2D: int8 4-D input and constant 4-D filter, per-channel along
    `quant_dim`, zero point 0. Returns (input, filter, output) tensors."""
    require_int8(g, op, 0, 1)
    inp, w, out = g.t(op.inputs[0]), g.t(op.inputs[1]), g.t(op.outputs[0])
    require(w.is_const, op, "filter must be a constant tensor")
    require(len(inp.shape) == 4 and len(w.shape) == 4, op, "expected 4-D input and filter")
    require(not w.per_channel or w.quant_dim == quant_dim, op,
            f"per-channel filter must be quantized on dim {quant_dim}")
    require(int(np.max(np.abs(w.zero_point))) == 0, op, "filter zero point must be 0")
    return inp, w, out


def clamp_range(g: Graph, op: Operator) -> tuple[int, int]:
    """Activation clamp: the fused activation, tightened by any folded standalone activation."""
    out = g.t(op.outputs[0])
    lo, hi = activation_range(op.options.get("activation", "NONE"), out.s, out.zp)
    if op.fused.clamp is not None:
        lo, hi = max(lo, op.fused.clamp[0]), min(hi, op.fused.clamp[1])
    return lo, hi


def conv_multipliers(inp: Tensor, w: Tensor, out: Tensor, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """PopulateConvolutionQuantizationParams: per-channel (or broadcast per-tensor) mult/shift."""
    mults, shifts = [], []
    for c in range(channels):
        ws = float(w.scale[c if w.per_channel else 0])
        m, s = quantize_multiplier(float(inp.scale[0]) * ws / float(out.scale[0]))
        mults.append(m)
        shifts.append(s)
    return np.array(mults, np.int32), np.array(shifts, np.int32)


def bias_or_zeros(g: Graph, op: Operator, pos: int, channels: int) -> np.ndarray:
    if len(op.inputs) > pos and op.inputs[pos] >= 0:
        b = g.t(op.inputs[pos])
        require(b.is_const, op, "bias must be a constant tensor")
        require(b.dtype == "int32", op, f"bias is {b.dtype}, expected int32")
        return b.data.astype(np.int64).reshape(-1).astype(np.int32)
    return np.zeros(channels, np.int32)


def uniform(arr: np.ndarray) -> bool:
    return bool(np.all(arr == arr.reshape(-1)[0]))


def fold_offset(p, wsum: np.ndarray) -> bool:
    """sum((x - zp) * w) + b == sum(x * w) + (b - zp * sum(w)): fold the input offset of `p`
    (a params dataclass with `bias`, `in_off`, `unfolded`) into its bias where the result fits
    int32; the kernel then runs with in_off = 0. Returns whether it folded."""
    new_bias = p.bias.astype(np.int64) + p.in_off * wsum
    if not np.all((new_bias >= -(1 << 31)) & (new_bias < (1 << 31))):
        return False
    p.unfolded = (p.bias, p.in_off)
    p.bias = new_bias.astype(np.int32)
    p.in_off = 0
    return True


def fast_requant(acc_bound, mult, shift, out_off):
    """Per-channel (m, cc, e) of te_out8_fast, or None where it would not be bit-exact: it
    needs twice the accumulator bound below 2^31 and a right shift e = -shift in 1..22."""
    acc_bound = np.asarray(acc_bound, np.int64)
    e = -np.asarray(shift, np.int64)
    if acc_bound.size == 0 or int(acc_bound.max()) * 2 >= 1 << 31 or e.min() < 1 or e.max() > 22:
        return None
    cc = (np.int64(1) << (e - 1)) + (np.int64(out_off) << e)
    return np.asarray(mult, np.int64), cc, e
