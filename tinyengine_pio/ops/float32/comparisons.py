"""EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL float32 with broadcasting, bool
output: TFLM compares the raw values with C++'s operators (kernels/float32/comparisons.c), so
the results are equal bit for bit (NaN: only NOT_EQUAL holds). Shared parts in
ops/comparisons.py."""
from __future__ import annotations

from ..base import OpDef, register
from ..comparisons import (
    COMPARISONS,
    check,
    evaluate,
    make_emit,
    prepare_raw,
    signature,
)
from ..elementwise import elementwise_access
from .common import F32

for _name in COMPARISONS:
    register(OpDef(name=_name, stem="comparisons", dtype="float32", prepare=prepare_raw,
                   emit=make_emit("te_compare_f32", 4), kernels=("comparisons_f32",),
                   access=elementwise_access, signature=signature(F32, False), check=check,
                   evaluate=evaluate))
