"""TFLite Micro's own arena figures for comparison (optional: needs `pip install tflite-micro`)."""
from __future__ import annotations

import os
import re
import tempfile

import numpy as np

from .errors import TinyEngineError

_ALLOC = re.compile(r"Arena allocation (total|head|tail)\s+(\d+)\s+bytes")


def arena_bytes(model_bytes: bytes, arena_size: int = 64 << 20) -> dict:
    """{'total', 'head', 'tail'} as TFLM's RecordingMicroAllocator reports them after one
    invoke on zeros (host build of the PyPI interpreter, reference kernels)."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        raise TinyEngineError("--compare-tflm needs TFLite Micro's interpreter: "
                              "pip install tflite-micro") from None
    from .frontend import read_model
    from .ir import NP_TYPES
    g = read_model(model_bytes)
    it = runtime.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
    for n, i in enumerate(g.inputs):
        t = g.t(i)
        it.set_input(np.zeros(t.shape, NP_TYPES[t.dtype]), n)
    it.invoke()
    with tempfile.TemporaryFile(mode="w+b") as f:
        saved = os.dup(2)
        try:
            os.dup2(f.fileno(), 2)
            it.print_allocations()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read().decode(errors="replace")
    found = {k: int(v) for k, v in _ALLOC.findall(text)}
    if set(found) != {"total", "head", "tail"}:
        raise TinyEngineError(f"could not read TFLM's arena figures from:\n{text}")
    return found
