"""The validation layer: every model read by frontend.py passes here before any pass runs.

Structure first (indices in range, each tensor written once and before it is read, outputs
produced, at least one operator), then each operator against its own declaration
(ops/signature.py: `OpDef.signature` for inputs, outputs, dtypes, ranks, constness and
quantization; `OpDef.check` for the shape semantics). Every failure is a MalformedModelError,
UnsupportedError or LimitError naming the tensor or operator; after this, the passes, prepare()
and the planner may assume a consistent graph. Sizes are bounded by `Limits` (the frontend checks
each tensor before reading its data; the compiler checks the arena after planning)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import LimitError, MalformedModelError, UnsupportedError
from .ir import DTYPE_BYTES, Graph, Operator, Tensor
from .ops.base import select
from .ops.signature import Operand, Signature, invalid
from .tflm_support import describe_unsupported

MAX_RANK = 6
DTYPE_RANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767),
               "int32": (-(1 << 31), (1 << 31) - 1)}
FUSED_ACTIVATIONS = {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"}
UNSUPPORTED_ACTIVATIONS = {"TANH", "SIGN_BIT"}


@dataclass(frozen=True)
class Limits:
    """Sizes refused before anything proportional to them is allocated (`--max-bytes`)."""
    max_bytes: int = 64 << 20            # one tensor, and the planned arena

    def check_tensor(self, index: int, name: str, shape, dtype: str) -> None:
        n = math.prod(int(d) for d in shape)
        nbytes = n * DTYPE_BYTES.get(dtype, 4)
        if nbytes > self.max_bytes:
            raise LimitError(f"tensor #{index} '{name}' {list(shape)} {dtype} is {nbytes:,} B, above "
                             f"the limit of {self.max_bytes:,} B (raise it with --max-bytes)")

    def check_arena(self, arena_bytes: int) -> None:
        if arena_bytes > self.max_bytes:
            raise LimitError(f"the planned arena is {arena_bytes:,} B, above the limit of "
                             f"{self.max_bytes:,} B (raise it with --max-bytes)")


def validate(g: Graph) -> Graph:
    """Check the whole graph, folding what is known at compile time as it goes (each op is
    checked before it is folded, and its consumers after, against constants); returns it
    without the folded operators, or raises a named error."""
    from .passes.fold_constants import fold_op
    check_structure(g)
    folded = set()
    refused: list[tuple[Operator, UnsupportedError]] = []
    for op in g.operators:
        try:
            check_operator(g, op)
        except UnsupportedError as e:       # go on: the user needs every refusal at once
            refused.append((op, e))
            continue
        if not refused and fold_op(g, op):
            folded.add(id(op))
    if refused:
        raise UnsupportedError(describe_unsupported(g, refused))
    g.operators = [op for op in g.operators if id(op) not in folded]
    return g


def _tname(g: Graph, i: int) -> str:
    return f"tensor #{i} '{g.tensors[i].name}'"


def check_structure(g: Graph) -> None:
    n = len(g.tensors)
    where = g.description or "model"
    if not g.operators:
        raise MalformedModelError(f"{where}: the model has no operators (nothing to run)")
    for what, ids in (("input", g.inputs), ("output", g.outputs)):
        if not ids:
            raise MalformedModelError(f"{where}: the model declares no {what}s")
        for i in ids:
            if not 0 <= i < n:
                raise MalformedModelError(f"{where}: model {what} index {i} is out of range "
                                          f"(the subgraph has {n} tensors)")
        if len(set(ids)) != len(ids):
            raise MalformedModelError(f"{where}: model {what}s {ids} name a tensor twice")
    for i in g.inputs:
        if g.t(i).is_const:
            raise MalformedModelError(f"{where}: model input {_tname(g, i)} is a constant")
    for what, ids in (("input", g.inputs), ("output", g.outputs)):
        for i in ids:
            if g.t(i).is_variable:
                raise UnsupportedError(f"{where}: model {what} {_tname(g, i)} is a variable "
                                       "(state) tensor; only operators may read and update state")
    written: dict[int, Operator] = {}
    # variable tensors (operator state) hold their last value from the start of an invoke
    available = set(g.inputs) | {t.index for t in g.tensors if t.is_variable}
    for op in g.operators:
        if not op.outputs:
            raise invalid(op, "it has no outputs")
        for pos, i in enumerate(op.inputs):
            if i == -1:
                continue
            if not 0 <= i < n:
                raise invalid(op, f"input {pos} is tensor index {i}, out of range (the subgraph "
                                  f"has {n} tensors; -1 marks an omitted optional input)")
        for pos, i in enumerate(op.outputs):
            if not 0 <= i < n:
                raise invalid(op, f"output {pos} is tensor index {i}, out of range (the "
                                  f"subgraph has {n} tensors)")
            t = g.t(i)
            if t.is_const:
                raise invalid(op, f"output {pos} {_tname(g, i)} is a constant tensor")
            if i in g.inputs:
                raise invalid(op, f"output {pos} {_tname(g, i)} is a model input")
            if t.is_variable:
                raise UnsupportedError(f"operator #{op.index} {op.kind}: output {pos} "
                                       f"{_tname(g, i)} is a variable (state) tensor; state is "
                                       "only updated in place by the operator that reads it")
            if i in written:
                raise invalid(op, f"output {pos} {_tname(g, i)} is also written by operator "
                                  f"#{written[i].index}")
            written[i] = op
    for op in g.operators:     # in execution order: each tensor written before it is read
        for pos, i in enumerate(op.inputs):
            if i == -1 or g.t(i).is_const or i in available:
                continue
            if i in written:
                raise invalid(op, f"input {pos} {_tname(g, i)} is read before operator "
                                  f"#{written[i].index} writes it (the graph has a cycle or its "
                                  "operators are out of order)")
            raise invalid(op, f"input {pos} {_tname(g, i)} is neither a constant, a model input "
                              "nor written by any operator")
        available.update(op.outputs)
    for i in g.outputs:
        if g.t(i).is_const:
            raise MalformedModelError(f"{where}: model output {_tname(g, i)} is a constant")
        if i not in available:
            raise MalformedModelError(f"{where}: model output {_tname(g, i)} is never written "
                                      "by any operator")


def check_operator(g: Graph, op: Operator) -> None:
    opdef = select(g, op)
    if opdef is None:
        raise UnsupportedError(f"operator #{op.index} {op.kind}: this operator is not supported")
    sig: Signature = opdef.signature
    _check_operands(g, op, sig)
    act = op.options.get("activation")
    if act is not None and act not in FUSED_ACTIVATIONS:
        if act in UNSUPPORTED_ACTIVATIONS:
            raise UnsupportedError(f"operator #{op.index} {op.kind}: fused activation {act} is "
                                   "not supported")
        raise invalid(op, f"fused activation {act} is not a TFLite activation")
    if opdef.check is not None:
        opdef.check(g, op)


def _check_operands(g: Graph, op: Operator, sig: Signature) -> None:
    decl = list(sig.inputs)
    if sig.variadic and len(op.inputs) > len(decl):
        decl += [decl[-1]] * (len(op.inputs) - len(decl))
    needed = sum(1 for d in decl if not d.optional)
    if len(op.inputs) < needed or len(op.inputs) > len(decl):
        want = f"{needed}" if needed == len(decl) else f"{needed} to {len(decl)}"
        want = f"at least {needed}" if sig.variadic else want
        raise invalid(op, f"it has {len(op.inputs)} inputs, {op.kind} takes {want} "
                          f"({', '.join(d.role for d in sig.inputs)})")
    outs = list(sig.outputs)
    if sig.variadic_outputs and len(op.outputs) > len(outs):
        outs += [outs[-1]] * (len(op.outputs) - len(outs))
    if len(op.outputs) != len(outs):
        raise invalid(op, f"it has {len(op.outputs)} outputs, {op.kind} writes "
                          f"{f'at least {len(outs)}' if sig.variadic_outputs else len(outs)}")
    for pos, (i, d) in enumerate(zip(op.inputs, decl)):
        if i == -1:
            if not d.optional:
                raise invalid(op, f"input {pos} ({d.role}) is omitted (-1) but required")
            continue
        _check_tensor(g, op, f"input {pos} ({d.role})", g.t(i), d)
    for pos, (i, d) in enumerate(zip(op.outputs, outs)):
        _check_tensor(g, op, f"output {pos}", g.t(i), d)


def _check_tensor(g: Graph, op: Operator, where: str, t: Tensor, d: Operand) -> None:
    what = f"{where} '{t.name}' (tensor #{t.index})"
    if t.dtype not in d.dtypes:
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {what} is {t.dtype}, expected "
                               f"{' or '.join(d.dtypes)}")
    rank = len(t.shape)
    if d.ranks is not None and rank not in d.ranks:
        raise invalid(op, f"{what} has rank {rank} (shape {list(t.shape)}), expected rank "
                          f"{' or '.join(str(r) for r in d.ranks)}")
    if any(d == 0 for d in t.shape):
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {what} is empty (shape "
                               f"{list(t.shape)}); zero-size tensors are not supported")
    if rank > MAX_RANK:
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {what} has rank {rank}; at most "
                               f"{MAX_RANK} is supported")
    if d.const is True and not t.is_const:
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {what} must be a constant tensor")
    if d.quantized and t.dtype != "float32":
        _check_quantization(op, what, t, d)


def _check_quantization(op: Operator, what: str, t: Tensor, d: Operand) -> None:
    if t.scale is None or t.zero_point is None or len(t.scale) == 0:
        raise invalid(op, f"{what} has no quantization (scale and zero point)")
    scale, zp = np.asarray(t.scale, np.float64), np.asarray(t.zero_point)
    if len(scale) != len(zp):
        raise invalid(op, f"{what} has {len(scale)} scales but {len(zp)} zero points")
    bad = ~np.isfinite(scale) | (scale <= 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise invalid(op, f"{what} has scale {float(scale[k])!r}"
                          f"{f' (channel {k})' if len(scale) > 1 else ''}; scales must be finite "
                          "and positive")
    lo, hi = DTYPE_RANGE.get(t.dtype, (-(1 << 31), (1 << 31) - 1))
    out = (zp < lo) | (zp > hi)
    if out.any():
        k = int(np.flatnonzero(out)[0])
        raise invalid(op, f"{what} has zero point {int(zp[k])}, outside {t.dtype}'s range "
                          f"[{lo}, {hi}]")
    if len(scale) == 1:
        return
    if d.per_channel is None:
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {what} is quantized per channel "
                               f"({len(scale)} scales); only per-tensor quantization is supported "
                               "there")
    axis = d.per_channel
    if t.quant_dim != axis:
        raise invalid(op, f"{what} is quantized per channel along dimension {t.quant_dim}, "
                          f"expected {axis}")
    if axis >= len(t.shape) or t.shape[axis] != len(scale):
        raise invalid(op, f"{what} has {len(scale)} per-channel scales, but its dimension {axis} "
                          f"has {t.shape[axis] if axis < len(t.shape) else 'no'} channels "
                          f"(shape {list(t.shape)})")
