"""CONV_2D: int8 activations, int8 weights (per-channel or per-tensor), int32 bias."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, MemoryOption, Operator
from ..layouts.gemm import PAIR_ROWS, QUAD_ROWS, pack_regs, pack_rows16, rq_blocks
from ..planner.overlap import Access
from ..stages.rows import window_rows
from ..variants import variant
from .base import (
    OpDef,
    activation_name,
    options_table,
    padding_name,
    register,
    require,
)
from .conv_planar import planar_applies, planar_operands, planar_option
from .conv_winograd import access as winograd_access
from .conv_winograd import emit_winograd, forced, with_winograd
from .gemm_operands import (
    fast_gemm_constants,
    fast_gemm_operands,
    fast_scratch_bytes,
    mve_gemm_operands,
    portable_operands,
)
from .quantized import RequantFields, check_filter, fold_offset, requant_fields
from .signature import FILTER_BIAS, Operand, Signature, check_accumulator, check_bias
from .signature import check as check_that
from .window import (
    WindowParams,
    check_window,
    window_access,
    window_fields,
    window_pattern,
)

SIGNATURE = Signature((Operand("input", ranks=(4,)),
                       Operand("filter", ranks=(4,), const=True, per_channel=0), *FILTER_BIAS))


@dataclass
class ConvParams(WindowParams, RequantFields):
    f_c: int                       # filter channels (in_c / groups)
    out_c: int
    algorithm: str                 # "pointwise", "im2col" or "generic" (see choose_algorithm)
    pad_value: int = 0             # im2col pads its columns with the input zero point

    @property
    def pads_with_zero_point(self) -> bool:
        return self.algorithm == "im2col"

    def _direct_unfolds(self) -> bool:
        """The direct loops (generic; implicit's portable twin) skip padded taps, so an offset
        folded on the strength of im2col's zero-point padding is unfolded again for them."""
        return self.unfolded is not None and not self.unpadded()

    def offset_folded(self, variant: str | None) -> bool:
        return self.unfolded is not None and not (variant == "generic" and self._direct_unfolds())

    def direct_offsets(self) -> tuple[np.ndarray, int]:
        """Bias and input offset of the direct loops."""
        return self.unfolded if self._direct_unfolds() else (self.bias, self.in_off)


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.Conv2DOptions)
    return dict(padding=padding_name(o.Padding()), stride_w=o.StrideW(), stride_h=o.StrideH(),
                dilation_w=o.DilationWFactor(), dilation_h=o.DilationHFactor(),
                activation=activation_name(o.FusedActivationFunction()),
                quantized_bias_type=o.QuantizedBiasType())   # int16x8 without a bias


def check(g: Graph, op: Operator) -> None:
    check_shapes(g, op)
    _, k_h, k_w, f_c = g.t(op.inputs[1]).shape
    check_accumulator(g, op, k_h * k_w * f_c, 2)


def check_shapes(g: Graph, op: Operator) -> None:
    """Filter channels dividing the input's, the bias, the window and output shape (every
    dtype)."""
    in_c = g.t(op.inputs[0]).shape[3]
    oc, k_h, k_w, f_c = g.t(op.inputs[1]).shape
    check_that(f_c >= 1 and in_c % f_c == 0, op,
               f"input channels {in_c} are not a multiple of the filter's {f_c}")
    check_bias(g, op, 2, oc)
    check_window(g, op, k_h, k_w, oc)


def prepare(g: Graph, op: Operator) -> None:
    inp, w, out = check_filter(g, op, quant_dim=0)
    in_c = inp.shape[3]
    oc, k_h, k_w, f_c = w.shape
    require(in_c % f_c == 0, op, f"input channels {in_c} not a multiple of filter channels {f_c}")
    require(out.shape[3] == oc, op, "output channels differ from filter count")
    p = ConvParams(**window_fields(g, op, k_h, k_w), **requant_fields(g, op, oc), f_c=f_c,
                   out_c=oc, algorithm="generic", pad_value=inp.zp)
    if g.config.get("optimize") != "size":
        p.algorithm = choose_algorithm(p)
    op.params = p


def choose_algorithm(p: ConvParams) -> str:
    """pointwise: 1x1 stride 1 unpadded GEMM; im2col: any other ungrouped conv (two-column
    im2col + the same GEMM); generic: grouped convs (direct loops)."""
    if p.f_c != p.in_c or p.batches != 1:
        return "generic"
    if (p.k_h == p.k_w == 1 and p.stride_h == p.stride_w == 1 and p.pad_t == p.pad_l == 0
            and p.out_h == p.in_h and p.out_w == p.in_w):
        return "pointwise"
    return "im2col"


def fold_input_offset(g: Graph, op: Operator) -> None:
    """Fold the input offset into the bias where no tap falls into padding, or where the kernel
    pads with the zero point (im2col); where im2col's bias would overflow, use direct loops."""
    p: ConvParams = op.params
    if not p.in_off or not (p.unpadded() or p.pads_with_zero_point):
        return
    w = g.t(op.inputs[1]).data.astype(np.int64)
    if not fold_offset(p, w.reshape(w.shape[0], -1).sum(axis=1)) and p.pads_with_zero_point:
        p.algorithm = "generic"


def finalize(g: Graph, op: Operator) -> None:
    """The GEMM variants' requantization constants (None where they would not be exact)."""
    p: ConvParams = op.params
    if p.algorithm != "generic":
        w2d = g.t(op.inputs[1]).data.reshape(p.out_c, -1)
        p.fast = fast_gemm_constants(p, w2d, g.config.get("optimize", "speed"))


def memory_options(g: Graph, op: Operator) -> list[MemoryOption]:
    """im2col: two receptive fields of scratch (int8, or as TE_FAST int16 columns: wide), or
    none as the fallback (the implicit GEMM in TE_FAST builds where in_c % 4 == 0 and the
    offset is folded: taps read in place, padding from a zero-point row in flash; else the
    direct loops). pointwise: none, or the TE_FAST int16 columns (wide)."""
    p: ConvParams = op.params
    if p.algorithm == "im2col":
        k_len = p.k_h * p.k_w * p.in_c
        lean = max(2 * k_len, fast_scratch_bytes(k_len, 1))     # int8 pair, whole blocks
        wide = max(lean, fast_scratch_bytes(k_len, 2) + (      # + int8 staging if in_c % 4
            0 if p.in_c % 4 == 0 else -(-2 * k_len // 4) * 4))
        implicit = p.in_c % 4 == 0 and p.in_off == 0
        run4 = rows_run(p)
        if run4 is not None and rows_first(p) and not g.in_stage(op):   # DSP: rows in place
            rows = [MemoryOption("im2col", max(lean, rows_scratch(p)), lean=True),
                    MemoryOption("im2col", max(lean, rows_scratch(p, quads=False)), lean=True,
                                 role="fallback"),
                    MemoryOption("implicit" if implicit else "generic", role="fallback")]
            if planar_applies(g, op):       # 3x3 first layers: planar, the rows as fallbacks
                return [planar_option(p, lean),
                        *(MemoryOption(o.variant, o.scratch, o.lean, "fallback") for o in rows)]
            return rows
        stage = wide - fast_scratch_bytes(k_len, 2)
        wide4 = ([MemoryOption("im2col", max(wide, fast_scratch_bytes(k_len, 4) + stage),
                               role="wide")] if gemm_columns(g, op, k_len) == 4 else [])
        return [MemoryOption("im2col", lean, lean=True), *wide4,
                MemoryOption("im2col", wide, role="wide"),
                MemoryOption("implicit" if implicit else "generic", role="fallback")]
    if p.algorithm == "pointwise":     # wide: the 2x4 GEMM's four columns, else the 2x2's two
        cols = gemm_columns(g, op, p.in_c)
        if p.in_c in REGS_IN_C and p.fast is not None:   # lean runs te_conv_2d_1x1_regs, faster
            return [MemoryOption("pointwise", 0, lean=True)] + (     # than the 2x2 (K <= 12)
                [MemoryOption("pointwise", fast_scratch_bytes(p.in_c, 4), role="wide")]
                if cols == 4 else [])
        return [MemoryOption("pointwise", 0, lean=True),
                MemoryOption("pointwise", fast_scratch_bytes(p.in_c, cols), role="wide")] + (
                    [MemoryOption("pointwise", fast_scratch_bytes(p.in_c, 2), role="wide")]
                    if cols == 4 else [])
    return [MemoryOption(p.algorithm)]


def gemm_columns(g: Graph, op: Operator, k: int) -> int:
    """int16 columns of the first wide pointwise / im2col option: 4 (te_conv_2d_1x1_fast4 /
    te_conv_2d_im2col_fast4, the 2x4 GEMM) where the op's input, output and four columns of
    k stay within twice the graph's largest activation tensor (the columns may fit beside the
    peak), else 2 (the 2x2 GEMM, half the scratch). With 4, the two-column option follows as a
    second wide option: the planner takes it for the ops where four columns would grow the
    arena (kws's in-place 64-channel layers)."""
    p: ConvParams = op.params
    acts = set(g.inputs) | {o for o2 in g.operators for o in o2.outputs}
    largest = max(g.t(i).nbytes for i in acts)
    own = g.t(op.inputs[0]).nbytes + g.t(op.outputs[0]).nbytes
    return 4 if p.out_h * p.out_w >= 4 and own + fast_scratch_bytes(k, 4) <= 2 * largest else 2


def pointwise_fours(op: Operator) -> bool:
    """The chosen option is a wide one with four columns (te_conv_2d_1x1_fast4 or
    te_conv_2d_im2col_fast4)."""
    p: ConvParams = op.params
    k = p.in_c if op.memory.variant == "pointwise" else p.k_h * p.k_w * p.in_c
    return (op.memory.variant in ("pointwise", "im2col") and not op.memory.lean
            and op.memory.scratch >= fast_scratch_bytes(k, 4))


ROWS_MAX = 16                      # TE_ROWS_MAX in kernels/dsp/conv_2d.c


def rows_run(p: ConvParams) -> int | None:
    """Bytes per kernel row of the padded-rows DSP kernel (te_conv_2d_rows_fast, the lean
    im2col variant's DSP kernel where it applies: no byte-wise column copy): k_w * in_c
    rounded up to whole words, or None where it does not apply: in_c % 4 == 0 (the im2col and
    implicit GEMMs read whole words already), dilation_w > 1 (a kernel row is not one run), or
    where the zero padding would add more than half the MACs (e.g. 1-wide rows of one
    channel). The wide variant (int16 columns) stays where the arena has room for it."""
    run = p.k_w * p.in_c
    run4 = -(-run // 4) * 4
    if (p.algorithm != "im2col" or p.in_c % 4 == 0 or p.dil_w != 1 or p.k_h > ROWS_MAX
            or 2 * run4 > 3 * run):
        return None
    return run4


def rows_first(p: ConvParams) -> bool:
    """Padded rows (kernel rows read in place and widened, four pixels per 2x4 GEMM; no
    byte-wise im2col) beat the im2col columns, measured on the M4 (first layer,
    instructions/MAC, im2col -> rows): vww 3x3x3 into 8 3.72 -> 2.75, person_detect 3x3x1 into
    8 7.62 -> 4.78, cifar10 5x5x3 into 32 1.72 -> 1.39, ic_resnet8 3x3x3 into 16 2.61 -> 2.25,
    kws 10x4x1 into 64 1.68 -> 1.55. Up to 64 output channels. Where the four pixels' columns
    cost the arena 10% (micro_speech's 10x8 window on its 4 KB arena), the planner takes the
    two-pixel kernel (half the columns) before the direct loops."""
    return p.out_c <= 64


def reads_rows(op: Operator) -> bool:
    """The lean im2col variant with padded rows (the DSP build runs te_conv_2d_rows_fast):
    where rows_first, the only im2col options (four pixels, or two: rows_quads)."""
    return (op.memory.variant == "im2col" and op.memory.lean and rows_run(op.params) is not None
            and rows_first(op.params)
            and op.memory.scratch >= rows_scratch(op.params, quads=False))


def rows_quads(op: Operator) -> bool:
    """Padded rows four pixels at a time (the 2x4 GEMM), where the scratch holds their columns;
    else two (the 2x2 GEMM)."""
    return reads_rows(op) and op.memory.scratch >= rows_scratch(op.params)


def rows_scratch(p: ConvParams, quads: bool = True) -> int:
    """te_conv_2d_rows_fast's scratch: four (two) pixels' doubled int16 columns, 8 (4) bytes a
    k, then the zero-point row and one staged window."""
    return ((9 if quads else 5) * p.k_h + 1) * rows_run(p)


def reads_w16(op: Operator) -> bool:
    """The lean im2col variant with in_c % 4 == 0: its DSP build runs te_conv_2d_im2col_w16,
    one int16 column (the lean scratch) against int16 weights (twice the flash). Measured on
    the M4: cifar10's 5x5x32 layer 1.32 -> 0.9x instructions/MAC (see conv_2d.h)."""
    return (op.memory.variant == "im2col" and op.memory.lean and op.params.in_c % 4 == 0
            and not reads_rows(op)
            and op.memory.scratch >= fast_scratch_bytes(op.params.k_h * op.params.k_w
                                                        * op.params.in_c, 1))


REGS_IN_C = (4, 8, 12)        # te_conv_2d_1x1_regs: the pixel's k in registers


def reads_regs(op: Operator) -> bool:
    """The lean pointwise variant with in_c 4, 8 or 12: its DSP build runs
    te_conv_2d_1x1_regs (the pixel widened into registers once, a record of doubled int16
    weights and requantization per row, no scratch). Measured on the M4:
    vww's 8 -> 16 layer at 48 x 48 (on the arena's peak) 2.91 -> 2.0 instructions/MAC."""
    p = op.params
    return (op.memory.variant == "pointwise" and op.memory.lean and p.in_c in REGS_IN_C
            and p.fast is not None)


def w16_operands(ctx, op: Operator, w2d: np.ndarray, k, cond: str, group: int = QUAD_ROWS):
    """(int16 weights, rq) of te_conv_2d_im2col_w16 (rows in quads), or of the fast4 kernels
    with w16 (group=PAIR_ROWS: the 2x4 GEMM's row pairs), or None without the fast
    constants."""
    if k is None:
        return None
    bias, m, cc, e = k
    return (ctx.cond_const(pack_rows16(w2d, group), "uint32_t", f"wp{op.index}", cond),
            ctx.cond_const(rq_blocks(bias, (m, cc, e), group), "int32_t", f"rq{op.index}",
                           cond))


W16_EXTRA_MAX = 48 * 1024     # bytes the fast4 kernels' int16 weights may add to a model
W16_EXTRA_MIN = 4 * 1024      # ... at least
W16_MARGIN = 24 * 1024        # ... beyond the MAX, the overhead less this much


def choose_w16(g: Graph, overhead: int) -> None:
    """Mark the ops whose row-pair GEMM reads int16 weights: the wide pointwise and im2col
    options (te_conv_2d_1x1_fast4 / te_conv_2d_im2col_fast4, the 2x4 GEMM: 22 instead of 26
    instructions per 32 MACs; te_conv_2d_1x1_fast / te_conv_2d_im2col_fast, the 2x2 GEMM: 12
    instead of 15 per 16) and the padded rows (te_conv_2d_rows_fast), for twice the weights'
    flash (no SXTB16 in the loop). The extra flash is bounded by `overhead`, what the .tflite
    file holds beside the weights (its graph and metadata: flash a TFLM build spends and this
    one does not, so the build stays below TFLM's), at least W16_EXTRA_MIN and at most
    W16_EXTRA_MAX; within it the ops with the most output pixels go first (the instructions
    saved per extra byte grow with the pixels), ties in graph order. Where the overhead is
    larger than W16_EXTRA_MAX the budget may go past it up to the overhead less W16_MARGIN:
    this build's code can be larger than TFLM's runtime (measured on the M4: person_detect's
    by 22 KB, vww's by 8 KB), and the margin keeps that much back (vww, 114 KB beside its
    weights: 90 KB). Run after planning (op.memory chosen); g.config["no_w16"]
    (compile_model(w16=False), the flash fallback) turns it off."""
    budget = 0 if g.config.get("no_w16") else max(
        min(max(overhead, W16_EXTRA_MIN), W16_EXTRA_MAX), overhead - W16_MARGIN)
    gemms = [op for op in g.operators if op.kind == "CONV_2D" and op.dtype == "int8"
             and isinstance(op.params, ConvParams) and op.params.fast is not None
             and op.memory.variant in ("pointwise", "im2col")
             and (reads_rows(op) or not op.memory.lean)]
    for op in g.operators:
        op.w16 = False
    used = 0
    for op in sorted(gemms, key=lambda o: (-o.params.out_h * o.params.out_w, o.index)):
        w = g.t(op.inputs[1]).data
        w2d = rows_weights(op.params, w) if reads_rows(op) else w.reshape(op.params.out_c, -1)
        extra = pack_rows16(w2d, PAIR_ROWS).nbytes // 2
        if used + extra <= budget:
            op.w16, used = True, used + extra


def rows_weights(p: ConvParams, w: np.ndarray) -> np.ndarray:
    """[out_c, k_h * run4]: each kernel row of the filter zero-padded to rows_run bytes."""
    run4 = rows_run(p)
    w3 = w.reshape(p.out_c, p.k_h, p.k_w * p.in_c)
    return np.pad(w3, ((0, 0), (0, 0), (0, run4 - w3.shape[2]))).reshape(p.out_c, -1)


def emit(ctx, op: Operator) -> None:
    p: ConvParams = op.params
    variant = op.memory.variant
    if variant == "winograd":               # ops/conv_winograd.py
        return emit_winograd(ctx, op)
    g = ctx.g
    fast = mve = None
    if variant in ("pointwise", "im2col", "implicit", "planar"):
        w2d = g.t(op.inputs[1]).data.reshape(p.out_c, -1)
        k = p.fast
        if variant != "implicit":           # Helium: own operands, the DSP ones elsewhere
            mve = mve_gemm_operands(ctx, op, w2d, k)
        cond = "TE_FAST && !TE_MVE" if mve else "TE_FAST"
        if reads_rows(op):
            w2d = rows_weights(p, g.t(op.inputs[1]).data)
        fast = (planar_operands(ctx, op) if variant == "planar" and k is not None else
                w16_operands(ctx, op, w2d, k, cond) if reads_w16(op) else
                (ctx.cond_const(pack_regs(w2d, k[0], k[1:]), "uint32_t", f"wp{op.index}",
                                cond),) if reads_regs(op) and k is not None else
                w16_operands(ctx, op, w2d, k, cond, PAIR_ROWS) if op.w16 else
                fast_gemm_operands(ctx, op, w2d, k, 2, cond=cond))
    bias, in_off = (p.direct_offsets() if variant in ("generic", "implicit")
                    else (p.bias, p.in_off))
    operands = portable_operands(ctx, op, fast, bias)
    if variant == "pointwise":
        _emit_pointwise(ctx, op, fast, mve, operands)
    elif variant in ("im2col", "planar"):
        _emit_im2col(ctx, op, fast, mve, operands)
    elif variant == "implicit":
        _emit_implicit(ctx, op, fast, operands, in_off)
    else:
        _emit_direct(ctx, op, operands, in_off)


def _emit_pointwise(ctx, op: Operator, fast, mve, operands) -> None:
    p: ConvParams = op.params
    w, bias, mult, shift = operands
    src, dst, clamp, pixels = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), (p.act_min, p.act_max), p.in_h * p.in_w
    plain = ("te_conv_2d_1x1_s8", src, pixels, p.in_c, w, bias, dst, p.out_c, p.out_off, mult,
             shift, *clamp)
    ctx.dispatch(variant("dsp", fast and (
        ("te_conv_2d_1x1_regs", src, pixels, p.in_c, *fast, dst, p.out_c, *clamp)
        if reads_regs(op) else
        ("te_conv_2d_1x1_lean", src, pixels, p.in_c, *fast, dst, p.out_c, *clamp)
        if op.memory.lean else      # int16 columns would grow the arena
        ("te_conv_2d_1x1_fast4" if pointwise_fours(op) else "te_conv_2d_1x1_fast", src, pixels,
         p.in_c, *fast, dst, p.out_c, *clamp, ctx.arena_ptr(op.scratch_offset, "uint32_t"),
         int(op.w16)))),
        variant("portable", plain),
        variant("mve", mve and ("te_gemm_mve", src, pixels, p.in_c, *mve, dst, p.out_c, *clamp)))


def _emit_im2col(ctx, op: Operator, fast, mve, operands) -> None:
    p: ConvParams = op.params
    w, bias, mult, shift = operands
    src, dst, clamp = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), (p.act_min, p.act_max)
    geometry = (p.k_h, p.k_w, *p.geometry(), dst, p.out_h, p.out_w, p.out_c, p.pad_value)
    plain = ("te_conv_2d_im2col_s8", src, p.in_h, p.in_w, p.in_c, w, bias, *geometry, p.out_off,
             mult, shift, *clamp, ctx.arena_ptr(op.scratch_offset))
    k_len = p.k_h * p.k_w * p.in_c
    fours = pointwise_fours(op)
    stage = ("NULL" if p.in_c % 4 == 0 else
             ctx.arena_ptr(op.scratch_offset + fast_scratch_bytes(k_len, 4 if fours else 2)))
    ctx.dispatch(variant("dsp", fast and (
        ("te_conv_2d_planar_dsp", src, p.in_h, p.in_w, p.in_c, *fast, p.stride_h, p.stride_w,
         p.pad_t, p.pad_l, dst, p.out_h, p.out_w, p.out_c, p.pad_value, *clamp,
         ctx.arena_ptr(op.scratch_offset)) if op.memory.variant == "planar" else
        ("te_conv_2d_im2col_w16", src, p.in_h, p.in_w, p.in_c, *fast, *geometry, *clamp,
         ctx.arena_ptr(op.scratch_offset, "uint32_t")) if reads_w16(op) else
        ("te_conv_2d_rows_fast", src, p.in_h, p.in_w, p.in_c, *fast, p.k_h, p.k_w, p.stride_h,
         p.stride_w, p.dil_h, p.pad_t, p.pad_l, dst, p.out_h, p.out_w, p.out_c, p.pad_value,
         *clamp, ctx.arena_ptr(op.scratch_offset), int(rows_quads(op)), int(op.w16))
        if reads_rows(op) else
        ("te_conv_2d_im2col_lean", src, p.in_h, p.in_w, p.in_c, *fast, *geometry, *clamp,
         ctx.arena_ptr(op.scratch_offset)) if op.memory.lean else
        ("te_conv_2d_im2col_fast4" if fours else "te_conv_2d_im2col_fast", src, p.in_h, p.in_w,
         p.in_c, *fast, *geometry, *clamp,
         ctx.arena_ptr(op.scratch_offset, "uint32_t"), stage, int(op.w16)))),
        variant("portable", plain),
        variant("mve", mve and ("te_conv_2d_im2col_mve", src, p.in_h, p.in_w, p.in_c, *mve,
                                *geometry, *clamp, ctx.arena_ptr(op.scratch_offset))))


def _emit_implicit(ctx, op: Operator, fast, operands, in_off: int) -> None:
    p: ConvParams = op.params
    w, bias, mult, shift = operands
    src, dst, clamp = ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), (p.act_min, p.act_max)
    plain = ("te_conv_2d_s8", src, p.in_h, p.in_w, p.in_c, w, bias, p.k_h, p.k_w, p.f_c,
             *p.geometry(), dst, p.out_h, p.out_w, p.out_c, in_off, p.out_off, mult, shift, *clamp)
    ctx.dispatch(variant("dsp", fast and (
        "te_conv_2d_implicit_fast", src, p.in_h, p.in_w, p.in_c, *fast, p.k_h, p.k_w,
        *p.geometry(), dst, p.out_h, p.out_w, p.out_c,
        ctx.cond_const(np.full(p.in_c, p.pad_value, np.int8), "int8_t", f"zp{op.index}",
                       "TE_FAST"), *clamp)), variant("portable", plain))


def _emit_direct(ctx, op: Operator, operands, in_off: int) -> None:
    p: ConvParams = op.params
    w, bias, mult, shift = operands
    inp, out = ctx.g.t(op.inputs[0]), ctx.g.t(op.outputs[0])
    for b in range(p.batches):
        ctx.call("te_conv_2d_s8", ctx.ptr(op.inputs[0], b * inp.size // p.batches), p.in_h,
                 p.in_w, p.in_c, w, bias, p.k_h, p.k_w, p.f_c, *p.geometry(),
                 ctx.ptr(op.outputs[0], b * out.size // p.batches), p.out_h, p.out_w, p.out_c,
                 in_off, p.out_off, mult, shift, p.act_min, p.act_max)


def _with_winograd(g: Graph, op: Operator, options: list) -> list:
    """The Winograd option where it applies, not for planar first layers (in_c 1-3, where
    Winograd loses: 1.3-1.7x of direct) unless forced (TE_CONV_ALGORITHM)."""
    if options[0].variant == "planar" and forced(g) is None:
        return options
    return with_winograd(g, op, options)


def access(g: Graph, op: Operator) -> list:
    """pointwise, implicit, im2col read as padded rows (rows_run): pixel pairs read while
    written (the wide pointwise with four columns: groups of four pixels, the rest in pairs);
    te_conv_2d_1x1_regs reads each pixel whole before writing it, which the pairs' pattern
    covers (the portable and Helium builds of the same plan read while they write); other
    im2col: pixel pairs copied out, then written (te_conv_2d_im2col_w16: one pixel; the
    four-column kernel copies four, but the Helium and portable builds of the same plan copy
    pairs); generic: one pixel at a time, reads and writes interleaved."""
    if op.memory.variant == "winograd":     # tile by tile (ops/conv_winograd.py)
        return winograd_access(g, op)
    if op.memory.variant == "generic":
        return window_access(g, op)
    copied = op.memory.variant in ("im2col", "planar") and not reads_rows(op)
    per_step = 1 if reads_w16(op) else 4 if pointwise_fours(op) and not copied else 2
    return [Access(0, window_pattern(g, op, per_step=per_step, reads_first=copied,
                                     rest_step=2))]


def macs(g: Graph, op: Operator) -> int:
    out, w = g.t(op.outputs[0]), g.t(op.inputs[1])
    return out.size * w.shape[1] * w.shape[2] * w.shape[3]


register(OpDef(name="CONV_2D", stem="conv_2d", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("conv_2d", "gemm"), macs=macs, access=access,
               memory_options=lambda g, op: _with_winograd(g, op, memory_options(g, op)),
               fold_input_offset=fold_input_offset,
               finalize=finalize,
               fuses_activation=True, accepts_folded_pad=True,
               signature=SIGNATURE, check=check, rows=window_rows))
