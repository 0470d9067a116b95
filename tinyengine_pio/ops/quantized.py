"""Integer quantization shared by several operators: activation clamps, per-channel conv
multipliers, biases, the input-offset fold and the DSP kernels' fast requantization."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, Operator, Tensor
from ..quant import activation_range, quantize_multiplier
from .base import require


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
