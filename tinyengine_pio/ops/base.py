"""Operator definitions and the registry keyed by TFLite builtin operator code.

Each operator lives in `ops/<stem>.py` and registers one `OpDef`. Its C kernel (if any) is
`kernels/portable/<stem>.c` + `kernels/<stem>.h` (with `kernels/dsp/<stem>.c` and
`kernels/mve/<stem>.c` twins where it has them), and its tests are `tests/ops/test_<stem>.py`.
Its prepare() sets `op.params` to the op family's dataclass. See docs/ADDING_AN_OPERATOR.md.
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

    @property
    def code(self) -> int:
        return getattr(tflite.BuiltinOperator, self.name)


REGISTRY: dict[int, OpDef] = {}


def register(opdef: OpDef) -> OpDef:
    REGISTRY[opdef.code] = opdef
    return opdef


def lookup(op: Operator) -> OpDef:
    return REGISTRY[getattr(tflite.BuiltinOperator, op.kind)]


def supported_names() -> list[str]:
    return sorted(d.name for d in REGISTRY.values())


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
