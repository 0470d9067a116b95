"""How an operator runs row by row inside a fused stage (stages/__init__.py).

An operator that can stream gives, through its OpDef's `rows` hook, a `RowSpec`: for each
activation input the rows of it that one output row reads (`RowMap`), and the parameters of the
kernel call that computes one output row from a window of those rows. The call is the layer's own
kernel on a slice: the same integer arithmetic, only the rows it is given change, so the result is
byte-identical to the whole-tensor call.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from ..ir import Graph, Operator


@dataclass(frozen=True)
class RowMap:
    """Output row y reads input rows [y * stride - pad, y * stride - pad + span - 1] (clipped to
    [0, in_rows)); span = (k - 1) * dilation + 1, 1 for an element-wise op."""
    span: int
    stride: int
    pad: int
    in_rows: int
    out_rows: int

    def window(self, y: int) -> tuple[int, int]:
        """The input rows [lo, hi] output row y reads (lo > hi: none, all padding)."""
        first = y * self.stride - self.pad
        return max(0, first), min(self.in_rows - 1, first + self.span - 1)

    def interior(self) -> tuple[int, int]:
        """[first, end) of the output rows whose window lies wholly inside the input."""
        first = -(-self.pad // self.stride) if self.pad > 0 else 0
        end = (self.in_rows + self.pad - self.span) // self.stride + 1
        return first, max(first, min(end, self.out_rows))

    def count(self, y: int, batch: int) -> int:
        """Rows computed by one call from row y: `batch` inside the interior, else 1."""
        first, end = self.interior()
        return batch if batch > 1 and first <= y and y + batch <= end else 1

    def slice(self, y: int) -> tuple[int, int]:
        """(pad_t, in_h) of the one-row call: the padding rows above the window and the rows
        of it that exist."""
        first = y * self.stride - self.pad
        lo, hi = self.window(y)
        return lo - first, max(0, hi - lo + 1)


ELEMENTWISE = (1, 1, 0)   # span, stride, pad


@dataclass
class RowSpec:
    """`inputs`: (input position, RowMap) per streamed input; `params(pad_t, in_h, out_h)`: the
    op's params for the call computing out_h output rows (default 1) from in_h rows below pad_t
    padding rows. `pairs`: the kernel computes output pixels two at a time (a row of odd width
    wastes a column: two rows per call avoid it)."""
    inputs: list[tuple[int, RowMap]]
    params: Callable[..., Any]
    pairs: bool = False


RowsOf = Callable[[Graph, Operator], "RowSpec | None"]


def _nhwc(g: Graph, i: int) -> tuple[int, ...] | None:
    t = g.t(i)
    return t.shape if len(t.shape) == 4 and t.shape[0] == 1 else None


def window_rows(g: Graph, op: Operator) -> RowSpec | None:
    """CONV_2D, DEPTHWISE_CONV_2D and the pools (WindowParams): one output row from the
    (dilated) filter's rows of the input."""
    p = op.params
    if p is None or p.batches != 1 or _nhwc(g, op.inputs[0]) is None:
        return None
    rm = RowMap((p.k_h - 1) * p.dil_h + 1, p.stride_h, p.pad_t, p.in_h, p.out_h)
    return RowSpec([(0, rm)],
                   lambda pad_t, in_h, out_h=1: replace(p, in_h=in_h, pad_t=pad_t, out_h=out_h),
                   pairs=getattr(p, "algorithm", None) in ("pointwise", "im2col"))


def elementwise_binary_rows(g: Graph, op: Operator) -> RowSpec | None:
    """ADD (and the like) of two activations of the output's NHWC shape: row y from row y of
    both; the call is the op's kernel on one row's elements."""
    from ..ops.elementwise import broadcast_4d
    shape = _nhwc(g, op.outputs[0])
    if shape is None or op.params is None or getattr(op.params, "loops", None) is None:
        return None
    if any(g.t(i).is_const or g.t(i).shape != shape for i in op.inputs[:2]):
        return None
    rm = RowMap(*ELEMENTWISE, shape[1], shape[1])

    def params(_pad, _in_h, out_h=1):
        rows = (1, out_h, shape[2], shape[3])
        return replace(op.params, loops=broadcast_4d(op, rows, rows, rows))
    return RowSpec([(0, rm), (1, rm)], params)
