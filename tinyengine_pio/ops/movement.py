"""The pure data-movement operators in every data type: they move elements without arithmetic,
so their int8 primary (prepare, emit and kernels) runs any element of E bytes as E int8 bytes,
an extra innermost dimension of size E. The primary module registers, next to its int8
implementation, the same one under "float32", "int16" and "int32" (`register_dtypes`): an
OpDef per dtype, so validate.py records the dtype in `op.dtype` (the report, the cost model and
the refusal messages see it), with the primary's signature retyped (its data operands take that
dtype; integer ones keep their quantization, float32 and int32 have none).

With E = 1 every parameter and call is the int8 one, so int8 code is unchanged. With E > 1:
the strided gathers (TRANSPOSE, slices, SPLIT, UNPACK, DEPTH_TO_SPACE / SPACE_TO_DEPTH) run
`te_strided_copy` (kernels/movement.h): up to four strided loops around a contiguous run of
bytes (the element, merged with the contiguous dimensions within it); the block copies
(CONCATENATION, PACK, GATHER, RESIZE_NEAREST_NEIGHBOR) multiply their byte counts by E; PAD
fills with the pad value's bytes (`te_pad_pattern`)."""
from __future__ import annotations

from dataclasses import replace

from ..ir import DTYPE_BYTES, Graph, Operator
from .base import OpDef, register, unsupported
from .signature import Operand, Signature

DTYPES = ("float32", "int16", "int32")        # what every data-movement primary also runs
QUANTIZED = ("int8", "int16")                 # dtypes whose operands keep the quantization


def elem_bytes(g: Graph, i: int) -> int:
    return DTYPE_BYTES[g.t(i).dtype]


def bptr(ctx, i: int, byte_offset: int = 0) -> str:
    """Tensor `i`'s data as int8_t bytes, advanced by `byte_offset` (for an int8 tensor exactly
    ctx.ptr: the int8 calls are unchanged)."""
    t = ctx.g.t(i)
    if t.ctype == "int8_t":
        return ctx.ptr(i, byte_offset)
    if t.is_const:
        base = f"(const int8_t *){ctx.ptr(i)}"
        return f"({base} + {byte_offset})" if byte_offset else f"({base})"
    return ctx.arena_ptr(ctx.offset(i) + byte_offset)


def byte_loops(op: Operator, loops, elem: int) -> tuple[list[tuple[int, int]], int]:
    """(count, element stride) loops in output order -> (four (count, byte stride) loops, run):
    the element's `elem` bytes become an innermost loop of stride 1, merged with the contiguous
    loops inside it into `run`, the bytes te_strided_copy copies at once. Unit loops dropped,
    adjacent contiguous loops merged."""
    merged: list[tuple[int, int]] = []
    for n, s in [(int(n), int(s) * elem) for n, s in loops] + [(elem, 1)]:
        if n == 1:
            continue
        if merged and merged[-1][1] == n * s:
            merged[-1] = (merged[-1][0] * n, s)
        else:
            merged.append((n, s))
    run, _ = merged.pop()                      # the innermost loop always has stride 1
    if len(merged) > 4:
        raise unsupported(op, f"the copy has {len(merged)} non-contiguous dimensions; at most 4 "
                              "are supported")
    return [(1, 0)] * (4 - len(merged)) + merged, run


def emit_strided_copy(ctx, src: int, src_offset: int, dst: int, loops, run: int) -> None:
    ctx.call("te_strided_copy", bptr(ctx, src, src_offset), bptr(ctx, dst),
             *[v for loop in loops for v in loop], run)


def _retype(o: Operand, dtype: str) -> Operand:
    if "int8" not in o.dtypes:                 # axes, shapes, indices: as declared
        return o
    return replace(o, dtypes=(dtype,), quantized=o.quantized and dtype in QUANTIZED)


def retyped(sig: Signature, dtype: str) -> Signature:
    return replace(sig, inputs=tuple(_retype(o, dtype) for o in sig.inputs),
                   outputs=tuple(_retype(o, dtype) for o in sig.outputs))


def register_dtypes(primary: OpDef, kernels: tuple[str, ...] | None = None,
                    dtypes: tuple[str, ...] = DTYPES) -> OpDef:
    """Register `primary` again under each of `dtypes` (its signature retyped, `kernels` the
    kernel stems its E > 1 path calls, by default the primary's); returns the primary."""
    for dtype in dtypes:
        register(replace(primary, dtype=dtype, signature=retyped(primary.signature, dtype),
                         kernels=primary.kernels if kernels is None else kernels))
    return primary
