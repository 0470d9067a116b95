"""Typed intermediate representation of a single-subgraph TFLite model."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

DTYPE_BYTES = {"int8": 1, "uint8": 1, "int16": 2, "int32": 4, "int64": 8, "float32": 4, "bool": 1}
NP_TYPES = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "int32": np.int32,
            "int64": np.int64, "float32": np.float32, "bool": np.bool_}
C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t",
           "int64": "int64_t", "float32": "float", "bool": "uint8_t"}


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    scale: np.ndarray | None = None        # float32 array, len 1 (per-tensor) or per-channel
    zero_point: np.ndarray | None = None   # int64 array, same length as scale
    quant_dim: int = 0
    data: np.ndarray | None = None         # constant data (already shaped), None for activations
    alias_of: int | None = None            # a view into this tensor's storage (no copy)
    alias_offset: int = 0                  # ... starting this many bytes into it
    # a TFLite variable tensor (an operator's state, e.g. LSTM / SVDF): read and updated in place
    # by its operator, kept across invokes in the model's state memory (not the arena), reset to
    # its zero point (int8) or zero (emitter.py: <prefix>_reset)
    is_variable: bool = False

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    @property
    def nbytes(self) -> int:
        return self.size * DTYPE_BYTES[self.dtype]

    @property
    def per_channel(self) -> bool:
        return self.scale is not None and len(self.scale) > 1

    @property
    def s(self) -> float:
        """Per-tensor scale (float32 value as Python float)."""
        return float(self.scale[0])

    @property
    def zp(self) -> int:
        return int(self.zero_point[0]) if self.zero_point is not None else 0

    @property
    def ctype(self) -> str:
        return C_TYPES[self.dtype]


@dataclass
class Fused:
    """What the passes folded into an operator (the report's "fused" column)."""
    clamp: tuple[int, int] | None = None   # a standalone activation's range, tightening ours
    activation: str | None = None          # ... and its kind (RELU, RELU6, ...)
    extra_pad: tuple[int, int, int, int] = (0, 0, 0, 0)   # a folded PAD: top, left, bottom, right
    pad_from: int | None = None            # ... and its operator index
    rewritten_from: str | None = None      # e.g. a DEPTHWISE_CONV_2D run as a CONV_2D


@dataclass(frozen=True)
class MemoryOption:
    """One way to run an operator, as the memory policy (planner/policy.py) sees it: the kernel
    variant, the scratch bytes it needs during the op, and its role among the op's options."""
    variant: str | None = None   # kernel algorithm ("im2col", "implicit", ...); None: the only one
    scratch: int = 0             # bytes alive during the op only
    lean: bool = False           # TE_FAST kernel reading int8 columns (no int16 column buffer)
    role: str = "default"        # "default", "wide" (faster, more scratch), "fallback" (less),
    #                              "pinned" (an in-place pin's), "unpinned" (a pin withheld)


@dataclass
class Operator:
    index: int                 # position in the original model (for error messages)
    kind: str                  # TFLite builtin name, e.g. "CONV_2D"
    inputs: list[int]          # tensor indices, -1 for an omitted optional input
    outputs: list[int]         # one or more
    options: dict[str, Any] = field(default_factory=dict)   # read from the flatbuffer
    params: Any = None         # the op family's dataclass, set by its prepare() (host math)
    fused: Fused = field(default_factory=Fused)
    memory: MemoryOption = field(default_factory=MemoryOption)   # chosen by planner/policy.py
    scratch_offset: int | None = None                             # arena offset of its scratch
    dtype: str = "int8"        # the implementation family running it (ops.base.select)
    w16: bool = False          # its 2x4 GEMM reads int16 weights (ops/conv_2d.py choose_w16)


@dataclass
class Graph:
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: list[int]
    outputs: list[int]
    description: str = ""
    config: dict[str, Any] = field(default_factory=dict)    # compile options (e.g. optimize)
    # fused, line-buffered stages (stages.Stage) chosen by the schedule search (stages/search.py)
    stages: list = field(default_factory=list)

    def t(self, index: int) -> Tensor:
        return self.tensors[index]

    def in_stage(self, op: Operator) -> bool:
        """Does `op` run inside a fused stage (one-row slices, the stage's line buffers)?"""
        return any(op is self.operators[step] for st in self.stages for step in st.steps)

    def producers(self) -> dict[int, Operator]:
        return {o: op for op in self.operators for o in op.outputs}

    def consumers(self) -> dict[int, list[Operator]]:
        out: dict[int, list[Operator]] = {}
        for op in self.operators:
            for i in op.inputs:
                if i >= 0:
                    out.setdefault(i, []).append(op)
        return out

    def view(self, index: int) -> tuple[int, int]:
        """(tensor whose buffer holds `index`, byte offset of `index` in it): follows aliases."""
        offset, seen = 0, set()
        while self.tensors[index].alias_of is not None:
            if index in seen:
                from .errors import ModelError
                raise ModelError(f"tensor #{index} '{self.tensors[index].name}': its aliases form "
                                 "a cycle")
            seen.add(index)
            offset += self.tensors[index].alias_offset
            index = self.tensors[index].alias_of
        return index, offset

    def storage(self, index: int) -> int:
        """Tensor whose buffer holds `index` (follows aliases)."""
        return self.view(index)[0]
