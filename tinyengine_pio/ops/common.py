"""Helpers shared by several operators: padding, activation clamps, conv multipliers."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, Operator, Tensor
from ..layouts import mve_rows, mve_rq, pack_rows, rq_blocks  # noqa: F401 (re-exported)
from ..quant import activation_range, quantize_multiplier
from .base import require


def out_size(padding: str, size: int, k: int, stride: int, dilation: int = 1) -> int:
    eff = (k - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - eff) // stride


def pad_before(padding: str, size: int, k: int, stride: int, dilation: int, out: int) -> int:
    """TFLite ComputePaddingWithOffset: the top/left padding."""
    eff = (k - 1) * dilation + 1
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2 if padding == "SAME" else 0


def window_params(g: Graph, op: Operator, in_h: int, in_w: int, k_h: int, k_w: int) -> dict:
    """Stride, dilation and explicit top/left padding for a conv or pool window op."""
    o = op.options
    out = g.t(op.outputs[0])
    sh, sw = o["stride_h"], o["stride_w"]
    dh, dw = o.get("dilation_h", 1), o.get("dilation_w", 1)
    require(sh > 0 and sw > 0 and dh > 0 and dw > 0, op, "stride and dilation must be positive")
    out_h, out_w = out.shape[1], out.shape[2]
    # fold_pad may have absorbed an explicit PAD: (top, left, bottom, right) around the input
    et, el, eb, er = o.get("extra_pad", (0, 0, 0, 0))
    pad_t = pad_before(o["padding"], in_h + et + eb, k_h, sh, dh, out_h) + et
    pad_l = pad_before(o["padding"], in_w + el + er, k_w, sw, dw, out_w) + el
    return dict(stride_h=sh, stride_w=sw, dil_h=dh, dil_w=dw, pad_t=pad_t, pad_l=pad_l,
                out_h=out_h, out_w=out_w)


def clamp_range(g: Graph, op: Operator) -> tuple[int, int]:
    """Activation clamp: the fused activation, tightened by any folded standalone activation."""
    out = g.t(op.outputs[0])
    lo, hi = activation_range(op.options.get("activation", "NONE"), out.s, out.zp)
    if "clamp" in op.params:
        lo, hi = max(lo, op.params["clamp"][0]), min(hi, op.params["clamp"][1])
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


def broadcast_4d(op: Operator, a_shape, b_shape, out_shape):
    """Collapse a (possibly broadcasting) binary op to a 4-D loop nest with per-input element
    strides (0 on broadcast dims). Dimension groups beyond 4 are unrolled by the emitter: the
    result's `bases` lists (a, b, out) element offsets, one kernel call each."""
    rank = len(out_shape)
    a = [1] * (rank - len(a_shape)) + list(a_shape)
    b = [1] * (rank - len(b_shape)) + list(b_shape)
    for x, y, o in zip(a, b, out_shape):
        require(x in (1, o) and y in (1, o), op, f"shapes {list(a_shape)} and {list(b_shape)} "
                f"do not broadcast to {list(out_shape)}")
    # merge adjacent dims with the same (a broadcast?, b broadcast?) pattern
    groups: list[list] = []
    for x, y, o in zip(a, b, out_shape):
        if o == 1:
            continue
        key = (x == 1, y == 1)
        if groups and groups[-1][0] == key:
            groups[-1][1] *= o
        else:
            groups.append([key, o])
    groups = [[(False, False), 1]] * max(0, 4 - len(groups)) + groups
    sa, sb, so = [0] * len(groups), [0] * len(groups), [0] * len(groups)
    acc_a = acc_b = acc_o = 1
    for i in range(len(groups) - 1, -1, -1):
        (a_bc, b_bc), n = groups[i]
        sa[i] = 0 if a_bc or n == 1 else acc_a
        sb[i] = 0 if b_bc or n == 1 else acc_b
        so[i] = acc_o
        acc_a *= 1 if a_bc else n
        acc_b *= 1 if b_bc else n
        acc_o *= n
    outer = len(groups) - 4
    bases = [(0, 0, 0)]
    for i in range(outer):
        bases = [(ba + k * sa[i], bb + k * sb[i], bo + k * so[i])
                 for ba, bb, bo in bases for k in range(groups[i][1])]
    require(len(bases) <= 4096, op, "broadcast needs more than 4096 kernel calls")
    return dict(dims=[g[1] for g in groups[outer:]], sa=sa[outer:], sb=sb[outer:], bases=bases)


def read_pool_options(op_fb) -> dict:
    import tflite

    from .base import activation_name, options_table, padding_name
    o = options_table(op_fb, tflite.Pool2DOptions)
    return dict(padding=padding_name(o.Padding()), stride_w=o.StrideW(), stride_h=o.StrideH(),
                filter_w=o.FilterWidth(), filter_h=o.FilterHeight(),
                activation=activation_name(o.FusedActivationFunction()))


def prepare_pool(g: Graph, op: Operator) -> None:
    from .base import require_int8
    require_int8(g, op, 0)
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(len(inp.shape) == 4, op, "expected a 4-D input")
    require(inp.s == out.s and inp.zp == out.zp, op,
            "input and output quantization must be equal (TFLite requires it for pooling)")
    n, in_h, in_w, c = inp.shape
    k_h, k_w = op.options["filter_h"], op.options["filter_w"]
    p = window_params(g, op, in_h, in_w, k_h, k_w)
    lo, hi = clamp_range(g, op)
    p.update(batches=n, in_h=in_h, in_w=in_w, c=c, k_h=k_h, k_w=k_w, act_min=lo, act_max=hi)
    op.params.update(p)


def emit_pool(func: str):
    def emit(ctx, op: Operator) -> None:
        p = op.params
        inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
        for b in range(p["batches"]):
            ctx.call(func, ctx.ptr(op.inputs[0], b * inp.size // p["batches"]), p["in_h"], p["in_w"],
                     p["c"], p["k_h"], p["k_w"], p["stride_h"], p["stride_w"], p["pad_t"], p["pad_l"],
                     ctx.ptr(op.outputs[0], b * out.size // p["batches"]), p["out_h"], p["out_w"],
                     p["act_min"], p["act_max"])
    return emit


def window_access(g: Graph, op: Operator) -> list:
    """Conv / depthwise / pool: output pixels in row-major order, reads interleaved with writes."""
    from ..planner.overlap import window
    p = op.params
    if p.get("batches", 1) != 1:
        return []
    out_c = g.t(op.outputs[0]).shape[3]
    return [(0, window(p["in_h"], p["in_w"], p.get("in_c", p.get("c")), p["out_h"], p["out_w"], out_c,
                       p["k_h"], p["k_w"], p["stride_h"], p["stride_w"], p.get("dil_h", 1),
                       p.get("dil_w", 1), p["pad_t"], p["pad_l"]))]


def elementwise_access(g: Graph, op: Operator) -> list:
    """Element i is read, then element i is written: any full-size input may be overwritten."""
    from ..planner.overlap import elementwise
    out = g.t(op.outputs[0])
    for pos, i in enumerate(op.inputs):
        t = g.t(i) if i >= 0 else None
        if t is not None and not t.is_const and t.size == out.size and tuple(t.shape) == tuple(out.shape):
            from ..ir import DTYPE_BYTES
            return [(pos, elementwise(out.size, DTYPE_BYTES[t.dtype], DTYPE_BYTES[out.dtype]))]
    return []


def fast_requant(acc_bound, mult, shift, out_off):
    """Per-channel (m, cc, e) of te_out8_fast, or None where it would not be bit-exact: it
    needs twice the accumulator bound below 2^31 and a right shift e = -shift in 1..22."""
    acc_bound = np.asarray(acc_bound, np.int64)
    e = -np.asarray(shift, np.int64)
    if acc_bound.size == 0 or int(acc_bound.max()) * 2 >= 1 << 31 or e.min() < 1 or e.max() > 22:
        return None
    cc = (np.int64(1) << (e - 1)) + (np.int64(out_off) << e)
    return np.asarray(mult, np.int64), cc, e


def fast_gemm_constants(ctx, op: Operator, w2d: np.ndarray):
    """(bias, m, cc, e) per row of the TE_FAST / TE_MVE GEMMs of a CONV_2D / FULLY_CONNECTED
    whose input offset is folded into the bias, or None where the fast requantization would not
    be exact (the op then runs its portable-path kernel in every build). Rows whose weights are
    all zero (pruned channels, often with a huge bias and shift) output a constant: computed
    here, then produced exactly by m = 0, e = 1, cc = 2 * value and a zero bias."""
    from ..quant import multiply_by_quantized_multiplier
    p = op.params
    if ctx.g.config.get("optimize") == "size" or p.get("in_off", 0) != 0:
        return None
    w = w2d.astype(np.int64)
    live = np.abs(w).sum(axis=1) != 0
    bias = p["bias"].astype(np.int64)
    bound = np.abs(bias) + 128 * np.abs(w).sum(axis=1)
    fast = fast_requant(bound[live], p["mult"][live], p["shift"][live], p["out_off"])
    if fast is None:
        return None
    m, cc, e = np.zeros(len(bias), np.int64), np.zeros(len(bias), np.int64), np.ones(len(bias), np.int64)
    m[live], cc[live], e[live] = fast
    for r in np.flatnonzero(~live):
        y = multiply_by_quantized_multiplier(int(bias[r]), int(p["mult"][r]), int(p["shift"][r]))
        cc[r] = 2 * min(max(y + p["out_off"], p["act_min"]), p["act_max"])
    return np.where(live, bias, 0), m, cc, e


def fast_gemm_operands(ctx, op: Operator, w2d: np.ndarray, k, group: int,
                       doubled: bool = True, cond: str = "TE_FAST"):
    """(packed weights, rq) names for the TE_FAST (DSP) GEMMs (gemm.c), emitted under `cond`,
    from k = fast_gemm_constants(...), or None where that is None."""
    if k is None:
        return None
    bias, m, cc, e = k
    return (ctx.cond_const(pack_rows(w2d, group), "uint32_t", f"wp{op.index}", cond),
            ctx.cond_const(rq_blocks(bias, (m, cc, e), group, doubled), "int32_t", f"rq{op.index}",
                           cond))


def mve_gemm_operands(ctx, op: Operator, w2d: np.ndarray, k):
    """(weights, rq) names for te_gemm_mve (Cortex-M55 Helium, under TE_MVE) from
    k = fast_gemm_constants(...), or None where that is None: rq per group of four rows
    {2 * bias x4, m x4, cc x4, -e x4} (the vector requantization)."""
    if k is None:
        return None
    return (ctx.cond_const(mve_rows(w2d), "int8_t", f"wm{op.index}", "TE_MVE"),
            ctx.cond_const(mve_rq(*k), "int32_t", f"rqm{op.index}", "TE_MVE"))


def portable_operands(ctx, op: Operator, fast, bias=None) -> tuple[str, str, str, str]:
    """Weights, bias (default the op's), multipliers and shifts of the portable kernel call.
    With a TE_FAST twin (`fast` not None) they exist only in the other builds (an unused static
    const warns)."""
    p = op.params
    if fast is None:
        const, w = ctx.const, ctx.ptr(op.inputs[1])
    else:
        const, w = (lambda v, t, h: ctx.cond_const(v, t, h, "!TE_FAST")), ctx.plain_ptr(op.inputs[1])
    return (w, const(p["bias"] if bias is None else bias, "int32_t", f"bias{op.index}"),
            const(p["mult"], "int32_t", f"mult{op.index}"),
            const(p["shift"], "int32_t", f"shift{op.index}"))


def fast_scratch_bytes(k: int, columns: int) -> int:
    """Bytes of the doubled int16 columns of the TE_FAST GEMMs: 8 per column and block."""
    return 8 * columns * (-(-k // 4))
