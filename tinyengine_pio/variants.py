"""Kernel variants: the one vocabulary for "which instruction set runs this call".

An operator's emit() describes each variant of its kernel call as a KernelCall (ISA, function,
arguments); EmitContext.dispatch() writes the one `#if TE_MVE / #elif TE_FAST / #else` ladder
in model.c and records the ISAs used, so that only their kernel files are copied
(kernel_sources.py). The operands a SIMD variant needs are packed by layouts/ and emitted
under the same guard; its scratch is the op's MemoryOption (planner/policy.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KernelCall:
    """One variant of an operator's kernel call: the ISA it needs and the C call."""
    isa: str                 # "portable", "dsp" (TE_FAST builds) or "mve" (TE_MVE builds)
    func: str
    args: tuple


ISA_GUARDS = (("mve", "TE_MVE"), ("dsp", "TE_FAST"))     # most specific first


def variant(isa: str, call: tuple | None) -> KernelCall | None:
    """KernelCall(isa, func, args) from a (func, *args) tuple; None stays None (no variant)."""
    return None if not call else KernelCall(isa, call[0], tuple(call[1:]))
