"""Window geometry shared by CONV_2D, DEPTHWISE_CONV_2D and the pools: padding, strides,
dilation, output size, and how their kernels read the input (for the planner's overlaps)."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Operator
from ..planner.overlap import Access, window
from .base import require
from .signature import check, expect_shape

WINDOW_MAX = 1 << 16     # filter, stride and dilation values; far above any real model


@dataclass
class WindowShape:
    """An NHWC input, a k_h x k_w filter and its strides: what every window op's kernel takes
    first (TRANSPOSE_CONV's too, ops/transpose_conv.py's TransposeGeometry)."""
    batches: int
    in_h: int
    in_w: int
    in_c: int
    k_h: int
    k_w: int
    stride_h: int
    stride_w: int


@dataclass
class WindowParams(WindowShape):
    """A sliding window over an NHWC input: the fields every window op's kernel takes."""
    dil_h: int
    dil_w: int
    pad_t: int
    pad_l: int
    out_h: int
    out_w: int

    def unpadded(self) -> bool:
        """No tap of any output pixel falls into the padding."""
        if self.pad_t or self.pad_l:
            return False
        eff_h = (self.k_h - 1) * self.dil_h + 1
        eff_w = (self.k_w - 1) * self.dil_w + 1
        return ((self.out_h - 1) * self.stride_h + eff_h <= self.in_h
                and (self.out_w - 1) * self.stride_w + eff_w <= self.in_w)

    def geometry(self) -> tuple:
        """(stride_h, stride_w, dil_h, dil_w, pad_t, pad_l), the kernels' argument order."""
        return (self.stride_h, self.stride_w, self.dil_h, self.dil_w, self.pad_t, self.pad_l)


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


def window_fields(g: Graph, op: Operator, k_h: int, k_w: int) -> dict:
    """The WindowParams fields of a conv or pool op over its 4-D input 0 (a folded PAD adds
    explicit padding: op.fused.extra_pad)."""
    o = op.options
    n, in_h, in_w, in_c = g.t(op.inputs[0]).shape
    out = g.t(op.outputs[0])
    sh, sw = o["stride_h"], o["stride_w"]
    dh, dw = o.get("dilation_h", 1), o.get("dilation_w", 1)
    require(sh > 0 and sw > 0 and dh > 0 and dw > 0, op, "stride and dilation must be positive")
    out_h, out_w = out.shape[1], out.shape[2]
    et, el, eb, er = op.fused.extra_pad
    pad_t = pad_before(o["padding"], in_h + et + eb, k_h, sh, dh, out_h) + et
    pad_l = pad_before(o["padding"], in_w + el + er, k_w, sw, dw, out_w) + el
    return dict(batches=n, in_h=in_h, in_w=in_w, in_c=in_c, k_h=k_h, k_w=k_w, stride_h=sh,
                stride_w=sw, dil_h=dh, dil_w=dw, pad_t=pad_t, pad_l=pad_l, out_h=out_h,
                out_w=out_w)


def window_pattern(g: Graph, op: Operator, per_step: int = 1, reads_first: bool = False,
                   rest_step: int | None = None):
    p: WindowParams = op.params
    out_c = g.t(op.outputs[0]).shape[3]
    return window(p.in_h, p.in_w, p.in_c, p.out_h, p.out_w, out_c, p.k_h, p.k_w, p.stride_h,
                  p.stride_w, p.dil_h, p.dil_w, p.pad_t, p.pad_l, per_step=per_step,
                  reads_first=reads_first, rest_step=rest_step)


def window_access(g: Graph, op: Operator) -> list[Access]:
    """Conv / depthwise / pool: output pixels in row-major order, reads interleaved with writes."""
    if op.params.batches != 1:
        return []
    return [Access(0, window_pattern(g, op))]


def check_window(g: Graph, op: Operator, k_h: int, k_w: int, out_c: int) -> None:
    """validate.py: the window's options are sane and the output has the shape they give."""
    o = op.options
    n, in_h, in_w, _ = g.t(op.inputs[0]).shape
    check(o["padding"] in ("SAME", "VALID"), op, f"padding {o['padding']} is not SAME or VALID")
    vals = dict(filter_h=k_h, filter_w=k_w, stride_h=o["stride_h"], stride_w=o["stride_w"],
                dilation_h=o.get("dilation_h", 1), dilation_w=o.get("dilation_w", 1))
    for name, v in vals.items():
        check(1 <= v <= WINDOW_MAX, op, f"{name} is {v}, expected 1 to {WINDOW_MAX}")
    sh, sw, dh, dw = vals["stride_h"], vals["stride_w"], vals["dilation_h"], vals["dilation_w"]
    for axis, k, d in (("height", k_h, dh), ("width", k_w, dw)):
        check((k - 1) * d + 1 <= WINDOW_MAX, op, f"the dilated filter {axis} {(k - 1) * d + 1} is "
                                                 f"above {WINDOW_MAX}")
    oh = out_size(o["padding"], in_h, k_h, sh, dh)
    ow = out_size(o["padding"], in_w, k_w, sw, dw)
    check(oh >= 1 and ow >= 1, op, f"the {k_h}x{k_w} window (dilation {dh}x{dw}) does not fit "
                                   f"the {in_h}x{in_w} input with VALID padding")
    expect_shape(g, op, [n, oh, ow, out_c],
                 why=f"{o['padding']} padding, stride {sh}x{sw}, dilation {dh}x{dw}")
