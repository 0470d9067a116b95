"""RESHAPE and SQUEEZE: the output is a view of the input (an alias: no code, no copy).
passes/alias_reshape.py removes them from the graph before prepare/emit could run."""
from __future__ import annotations

from ..ir import Operator
from .base import OpDef, register


def _never(_g_or_ctx, op: Operator) -> None:
    raise AssertionError(f"{op.kind} #{op.index} should have been turned into an alias")


register(OpDef(name="RESHAPE", stem="reshape", prepare=_never, emit=_never, alias=True))
register(OpDef(name="SQUEEZE", stem="reshape", prepare=_never, emit=_never, alias=True))
