"""Latency estimate for search loops: instructions per layer on a Cortex-M4 with DSP (keys
suffixed '@mve': on a Cortex-M55 with Helium), from a
per-kernel linear cost model (instructions = a*MACs + b*outputs + c*pixels + d + e*copied bytes + f*copied taps) whose
coefficients were fitted (non-negative least squares, relative error) to per-layer QEMU
measurements of the shared models (benchmarks/fit_cost.py writes
costmodel.json). The benchmark prints predicted vs measured."""
from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import numpy as np

from .ir import Graph, MemoryOption, Operator
from .ops import lookup
from .platformio.boards import cpus_with

# cores with Helium: the build.cpu of every board JSON whose build.isa has "mve", plus
# platformio.boards.CPUS_WITHOUT_BOARD (cortex-m85); today ("cortex-m55", "cortex-m85")
MVE_CPUS = cpus_with("mve")


def kernel_key(op: Operator, optimize: str = "speed", mve: bool = False) -> str:
    """Op kind, kernel variant, ':lean' (int8-column TE_FAST variant), ':kxk' (depthwise
    other than 3x3), 'fir' for the one-dimensional depthwise kernel in place or not (its DSP
    build runs te_depthwise_conv_2d_fir_dsp either way), '@size' for
    --optimize size builds (the same variant name runs other code there), '@mve' for speed
    builds on a core with Helium (TE_MVE kernels)."""
    variant = op.memory.variant
    if mve and optimize != "size" and op.kind == "DEPTHWISE_CONV_2D" and variant in ("ring",
                                                                                     "fir"):
        # Helium builds run the plain-order kernel, or in place where the pin was withheld
        from .ops.depthwise_conv_2d import moved_mve
        variant = "inplace" if moved_mve(op) else None
    elif not mve and optimize != "size" and _fir(op):
        variant = "fir"
    key = f"{op.kind}:{variant}" if variant else op.kind
    key += ":lean" if op.memory.lean else ""
    k_hw = (getattr(op.params, "k_h", None), getattr(op.params, "k_w", None))
    if op.kind == "DEPTHWISE_CONV_2D" and k_hw != (3, 3) and variant != "fir":
        key += ":kxk"                   # not the unrolled 3x3 taps: a loop per tap
    if not mve and optimize != "size":
        if _rows(op):
            key += ":rows"              # kernel rows read in place (te_conv_2d_rows_fast)
        elif _w16(op):
            key += ":w16"               # te_conv_2d_im2col_w16 (int16 weights, one column)
        elif _regs(op):
            key += ":regs"              # te_conv_2d_1x1_regs (the pixel in registers)
        elif _planar(op):
            key += ":planar"            # te_depthwise_conv_2d_inplace_planar_dsp
        elif _fours(op):
            key += ":x4"                # te_conv_2d_1x1_fast4 (the 2x4 GEMM)
            key += ":w16" if op.w16 else ""     # its int16 weights (ops/conv_2d.py choose_w16)
    if optimize == "size":
        return key + "@size"
    return key + "@mve" if mve else key


SUFFIXES = (":rows", ":w16", ":planar", ":x4", ":regs")   # kernels refining a variant's key


def fallback_keys(op: Operator, optimize: str = "speed", mve: bool = False) -> list[str]:
    """The keys predict_layer tries, most specific first: the core's, the speed build's, the
    variant without a refining suffix (a kernel not fitted yet predicts as its variant), the
    op kind."""
    keys = [kernel_key(op, optimize, mve), kernel_key(op, optimize), kernel_key(op)]
    keys += [k[:-len(x)] for k in keys for x in SUFFIXES if k.endswith(x)]
    return keys + [op.kind]


def features(g: Graph, op: Operator, mve: bool = False) -> list[float]:
    """MACs, output elements, output pixels, one call, bytes the kernel copies first
    (im2col receptive fields, in-place depthwise planes) and kernel taps it visits one by one
    (im2col copies, the direct loops' bounds checks, depthwise border pixels' taps) or, for
    the depthwise kernels that go channel by channel (ring, in place, FIR), the channel rows
    they set up one by one (their per-row cost told the ring from the planar in-place kernel
    apart, which MACs alone ranked the wrong way round on vww's 24-wide layers)."""
    out = g.t(op.outputs[0])
    shape = out.shape if out.shape else (1,)
    pixels = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    p, variant = op.params, op.memory.variant
    copied = taps = 0
    if _rows(op) and not mve:
        taps = pixels * p.k_h           # a row pointer per kernel row, no copy
    elif variant == "im2col":
        taps = pixels * p.k_h * p.k_w
        copied = taps * p.in_c
    elif variant in ("inplace", "ring", "fir"):  # a copy of the input (planes, rows)
        copied = g.t(op.inputs[0]).nbytes
        if len(shape) == 4:
            taps = shape[-1] * (min(shape[1], shape[2]) if _planar(op) else shape[1])
    elif variant in ("generic", "size", "implicit") and hasattr(p, "k_h"):
        taps = out.size * p.k_h * p.k_w            # per-tap bounds checks of the direct loops
    elif op.kind == "DEPTHWISE_CONV_2D" and variant is None:
        taps = _border_pixels(p) * shape[-1] * p.k_h * p.k_w     # the slower border path
    return [float(lookup(op).macs(g, op)), float(out.size), float(pixels), 1.0, float(copied),
            float(taps)]


def _rows(op: Operator) -> bool:
    """A CONV_2D im2col whose DSP build reads padded kernel rows in place (ops/conv_2d.py)."""
    if op.kind != "CONV_2D" or op.dtype != "int8":
        return False
    from .ops.conv_2d import reads_rows
    return reads_rows(op)


def _w16(op: Operator) -> bool:
    """A lean CONV_2D im2col whose DSP build runs te_conv_2d_im2col_w16 (ops/conv_2d.py)."""
    if op.kind != "CONV_2D" or op.dtype != "int8":
        return False
    from .ops.conv_2d import reads_w16
    return reads_w16(op)


def _regs(op: Operator) -> bool:
    """A lean pointwise CONV_2D whose DSP build runs te_conv_2d_1x1_regs (ops/conv_2d.py)."""
    if op.kind != "CONV_2D" or op.dtype != "int8":
        return False
    from .ops.conv_2d import reads_regs
    return reads_regs(op)


def _fours(op: Operator) -> bool:
    """A pointwise CONV_2D with the wide four-column option (te_conv_2d_1x1_fast4)."""
    if op.kind != "CONV_2D" or op.dtype != "int8":
        return False
    from .ops.conv_2d import pointwise_fours
    return pointwise_fours(op)


def _planar(op: Operator) -> bool:
    """An in-place depthwise conv whose DSP build runs the planar kernel."""
    if op.kind != "DEPTHWISE_CONV_2D" or op.memory.variant != "inplace" or op.dtype != "int8":
        return False
    from .ops.depthwise_conv_2d import planar_inplace
    return planar_inplace(op.params)


def _fir(op: Operator) -> bool:
    """A depthwise conv whose DSP build runs the one-dimensional FIR kernel."""
    if (op.kind != "DEPTHWISE_CONV_2D" or op.memory.variant not in ("inplace", "fir")
            or op.dtype != "int8"):
        return False
    from .ops.depthwise_conv_2d import uses_fir
    return uses_fir(op.params)


def _border_pixels(p) -> int:
    """Output pixels whose window reaches into the padding."""
    def inside(n_out, stride, pad, dil, k, n_in):
        start = np.arange(n_out) * stride - pad
        return int(np.sum((start >= 0) & (start + dil * (k - 1) < n_in)))
    rows = inside(p.out_h, p.stride_h, p.pad_t, p.dil_h, p.k_h, p.in_h)
    cols = inside(p.out_w, p.stride_w, p.pad_l, p.dil_w, p.k_w, p.in_w)
    return p.out_h * p.out_w - rows * cols


_COEF: dict | None = None


def coefficients() -> dict:
    global _COEF
    if _COEF is None:
        try:
            text = resources.files("tinyengine_pio").joinpath("costmodel.json").read_text()
            _COEF = json.loads(text)
        except FileNotFoundError:
            _COEF = {}
    return _COEF


# Other dtypes' kernels (float32, int16) are portable loops: their own `KIND#dtype` keys where
# calibrated, else these generic ones (a float MAC costs two loads, a VMLA-less multiply and add)
GENERIC_DTYPE = [6.0, 24.0, 0.0, 120.0, 4.0, 10.0]


def predict_layer(g: Graph, op: Operator, mve: bool = False) -> int:
    coef = coefficients()
    if op.dtype != "int8":
        c = coef.get(f"{op.kind}#{op.dtype}") or GENERIC_DTYPE
        return int(round(max(0.0, float(np.dot(c, features(g, op))))))
    if op.memory.variant == "winograd":     # its own fit (tiles, not MACs): ops/conv_winograd.py
        from .ops.conv_winograd import uses_pairs, winograd_instructions
        if not mve:
            return int(round(winograd_instructions(op.params, uses_pairs(op))))
        op = replace(op, memory=MemoryOption("im2col"))       # Helium builds: the im2col GEMM
    c = next((coef[k] for k in fallback_keys(op, g.config.get("optimize", "speed"), mve)
              if k in coef), [4.0, 20.0, 0.0, 100.0, 4.0, 10.0])
    return int(round(max(0.0, float(np.dot(c, features(g, op, mve))))))


def predict(g: Graph, mve: bool = False) -> list[int]:
    """Instructions per layer; `mve` for a core with Helium (cpu in MVE_CPUS)."""
    return [predict_layer(g, op, mve) for op in g.operators]
