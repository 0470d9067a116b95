"""Operator definitions and the registry keyed by TFLite builtin operator code.

Each operator lives in `ops/<stem>.py` and registers one `OpDef`. Its C kernel (if any) is
`kernels/portable/<stem>.c` + `kernels/<stem>.h` (with `kernels/dsp/<stem>.c` and
`kernels/mve/<stem>.c` twins where it has them), and its tests are `tests/ops/test_<stem>.py`.
Its prepare() sets `op.params` to the op family's dataclass. See docs/ADDING_AN_OPERATOR.md.

Data types: the module `ops/<stem>.py` is the operator's primary implementation (int8, and the
integer constant folding). Another data type is another implementation of the same builtin in a
same-named module of that type's folder (`ops/float32/<stem>.py`, kernel
`kernels/float32/<stem>.c`, tests `tests/ops/float32/test_<stem>.py`), registered with
`OpDef(dtype="float32")`. validate.py picks, per operator, the first implementation whose
signature's dtypes its tensors have (`select`) and records it as `op.dtype`; every pass then
reaches it through `lookup(op)`. No pass branches on a tensor's type.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import tflite

from ..errors import MalformedModelError, UnsupportedError
from ..ir import Graph, MemoryOption, Operator
from .signature import UNARY, Signature

BUILTIN_NAMES = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
ACTIVATIONS = {v: k for k, v in vars(tflite.ActivationFunctionType).items() if not k.startswith("_")}
PADDINGS = {v: k for k, v in vars(tflite.Padding).items() if not k.startswith("_")}


def _no_options(_op_fb) -> dict:
    return {}


def _no_macs(_g: Graph, _op: Operator) -> int:
    return 0


def _one_way(_g: Graph, _op: Operator) -> list[MemoryOption]:
    return [MemoryOption()]


def _no_access(_g: Graph, _op: Operator) -> list:
    return []


@dataclass(frozen=True)
class OpDef:
    name: str                                        # TFLite builtin name, e.g. "CONV_2D"
    stem: str                                        # file stem shared by module, kernel, tests
    prepare: Callable[[Graph, Operator], None]       # validate + fill op.params (host math)
    emit: Callable[[Any, Operator], None]            # write the C call through the EmitContext
    read_options: Callable[[Any], dict] = _no_options  # tflite.Operator -> dict of options
    kernels: tuple[str, ...] = ()                    # kernel stems to copy next to model.c
    macs: Callable[[Graph, Operator], int] = _no_macs
    # True: output 0 is a view of input 0 (no copy, no code); or (graph, op) -> [(output, input,
    # byte offset)] views (SPLIT on the outermost axis), or None where it must copy after all
    alias: bool | Callable[[Graph, Operator], list | None] = False
    # (graph, op) -> [planner.overlap.Access]: how the kernel reads an input while writing
    # output 0, so the planner may overlap them when the input dies here
    access: Callable[[Graph, Operator], list] = _no_access
    # (graph, op) -> [MemoryOption]: the ways to run it (variant, scratch), default first;
    # planner/policy.py chooses one per op
    memory_options: Callable[[Graph, Operator], list] = _one_way
    # traits the passes ask instead of holding name lists
    fuses_activation: bool = False                   # has an output clamp a RELU can fold into
    accepts_folded_pad: bool = False                 # a PAD before input 0 folds into padding
    is_pad: bool = False                             # this op pads (PAD, PADV2): it may fold
    activation: str | None = None                    # this op is that activation (RELU, RELU6)
    # (graph, op) -> None: fold the input zero point into the bias where exact (after prepare)
    fold_input_offset: Callable[[Graph, Operator], None] | None = None
    # (graph, op) -> None: the rest of the host math, once the offset is folded: the SIMD
    # variants' requantization constants and tables (passes/finalize.py); emit() only formats
    finalize: Callable[[Graph, Operator], None] | None = None
    # what the op needs of its tensors (ops/signature.py), checked by validate.py before any
    # pass; `check` (graph, op) -> None then checks the shape semantics (output shapes)
    signature: Signature = UNARY
    check: Callable[[Graph, Operator], None] | None = None
    # constant folding (passes/fold_constants.py): (graph, op) -> [numpy outputs] with TFLite's
    # semantics, run at compile time when every input is constant (or, with reads_data False,
    # always: the op needs only its inputs' static shapes, like SHAPE)
    evaluate: Callable[[Graph, Operator], list] | None = None
    reads_data: bool = True
    # (graph, op) -> stages.rows.RowSpec or None: how it computes one output row from rows of
    # its inputs, so it can run inside a fused, line-buffered stage (stages/__init__.py)
    rows: Callable[[Graph, Operator], Any] | None = None
    # the data-type family this implementation runs ("int8": the primary one, which also folds
    # integer constants; "float32", "int16"): the registry's second key
    dtype: str = "int8"

    @property
    def code(self) -> int:
        """The builtin code; a custom operator (name "CUSTOM(<custom code>)", as the frontend
        names it: CUSTOM(TFLite_Detection_PostProcess)) is keyed by its name instead."""
        return getattr(tflite.BuiltinOperator, self.name, None) if self.name.isidentifier() \
            else self.name


# builtin code (or a custom operator's "CUSTOM(<code>)" name) -> its primary implementation
REGISTRY: dict[int | str, OpDef] = {}
DTYPE_REGISTRY: dict[tuple[int | str, str], OpDef] = {}   # (code, dtype) -> the others
PRIMARY = "int8"


def register(opdef: OpDef) -> OpDef:
    if opdef.dtype == PRIMARY:
        REGISTRY[opdef.code] = opdef
    else:
        DTYPE_REGISTRY[(opdef.code, opdef.dtype)] = opdef
    return opdef


def code_of(kind: str) -> int | str | None:
    """The registry key of an operator kind: its builtin code, or the "CUSTOM(...)" name."""
    if kind.startswith("CUSTOM("):
        return kind
    return getattr(tflite.BuiltinOperator, kind, None) if kind.isidentifier() else None


def implementations(kind: str) -> list[OpDef]:
    """Every implementation of a builtin, the primary first, then by dtype name."""
    code = code_of(kind)
    if code is None:
        return []
    return ([REGISTRY[code]] if code in REGISTRY else []) + \
        sorted((d for (c, _), d in DTYPE_REGISTRY.items() if c == code), key=lambda d: d.dtype)


def lookup(op: Operator) -> OpDef:
    code = code_of(op.kind)
    return REGISTRY[code] if op.dtype == PRIMARY else DTYPE_REGISTRY[(code, op.dtype)]


def dtypes_match(g: Graph, op: Operator, sig: Signature) -> bool:
    """Whether the operator's tensors have the dtypes `sig` declares (nothing else checked)."""
    ins = list(sig.inputs)
    if sig.variadic and len(op.inputs) > len(ins):
        ins += [ins[-1]] * (len(op.inputs) - len(ins))
    outs = list(sig.outputs)
    if sig.variadic_outputs and len(op.outputs) > len(outs):
        outs += [outs[-1]] * (len(op.outputs) - len(outs))
    pairs = list(zip(op.inputs, ins)) + list(zip(op.outputs, outs))
    return all(i < 0 or not 0 <= i < len(g.tensors) or g.t(i).dtype in d.dtypes
               for i, d in pairs)


def select(g: Graph, op: Operator) -> OpDef | None:
    """The implementation that runs `op`: the first whose signature's dtypes match; None when
    the builtin has no implementation at all. Sets `op.dtype`. Where none matches, the primary
    (its signature then names the tensor whose type is not supported)."""
    impls = implementations(op.kind)
    if not impls:
        return None
    chosen = next((d for d in impls if dtypes_match(g, op, d.signature)), impls[0])
    op.dtype = chosen.dtype
    return chosen


def supported_names() -> list[str]:
    return sorted(d.name for d in REGISTRY.values())


def supported_table() -> dict[str, list[str]]:
    """{builtin name: [dtype families]} over every implementation."""
    table: dict[str, list[str]] = {}
    for d in list(REGISTRY.values()) + list(DTYPE_REGISTRY.values()):
        table.setdefault(d.name, []).append(d.dtype)
    return {k: sorted(v, key=lambda x: (x != PRIMARY, x)) for k, v in sorted(table.items())}


def options_table(op_fb, cls):
    """Decode the operator's builtin options table as `cls` (None when absent)."""
    tab = op_fb.BuiltinOptions()
    if tab is None:
        return None
    want = getattr(tflite.BuiltinOptions, cls.__name__, None)
    if want is not None and op_fb.BuiltinOptionsType() != want:
        raise MalformedModelError(f"its options table is of type {op_fb.BuiltinOptionsType()}, "
                                  f"expected {want} ({cls.__name__})")
    o = cls()
    o.Init(tab.Bytes, tab.Pos)
    return o


def activation_name(code: int) -> str:
    return ACTIVATIONS.get(code, f"ACTIVATION_{code}")


def padding_name(code: int) -> str:
    return PADDINGS.get(code, f"PADDING_{code}")


def unsupported(op: Operator, why: str) -> UnsupportedError:
    return UnsupportedError(f"operator #{op.index} {op.kind}: {why}")


def require(cond: bool, op: Operator, why: str) -> None:
    if not cond:
        raise unsupported(op, why)


def require_int8(g: Graph, op: Operator, *tensor_positions: int, outputs: bool = True) -> None:
    for pos in tensor_positions:
        t = g.t(op.inputs[pos])
        require(t.dtype == "int8", op, f"input {pos} '{t.name}' is {t.dtype}, expected int8")
    if outputs:
        for o in op.outputs:
            t = g.t(o)
            require(t.dtype == "int8", op, f"output '{t.name}' is {t.dtype}, expected int8")


def same_quant(a, b) -> bool:
    return a.s == b.s and a.zp == b.zp
