"""TFLite Micro reference ("oracle") helpers built on the ``tflite_micro`` wheel.

* :func:`run_tflm` – run a model once per input set and return its outputs.
* :func:`tflm_arena_bytes` – arena usage reported by TFLM's recording allocator.
* :func:`model_io` – shapes, dtypes and quantization of the model's inputs and
  outputs.
* :func:`deterministic_inputs` – named, reproducible input sets.

Notes on the TFLM Python runtime (tflite_micro wheel):

* ``set_input`` insists on the exact dtype and rank/shape of the input tensor
  (raises ``ValueError``), so inputs are reshaped/converted here only when
  that is lossless.
* There is no call returning the number of inputs/outputs; the counts are read
  from the flatbuffer instead.  ``get_input_details(i)`` with an out-of-range
  index raises ``IndexError`` (and prints a message on the C stderr).
* ``print_allocations`` writes to the C-level stderr (fd 2), not to
  ``sys.stderr``, so it has to be captured with ``os.dup2``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from typing import Iterator, Sequence

import numpy as np
from tflite_micro.python.tflite_micro import runtime
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb

__all__ = [
    "make_interpreter",
    "run_tflm",
    "run_tflm_many",
    "tflm_arena_bytes",
    "model_io",
    "io_counts",
    "deterministic_inputs",
    "capture_fd_stderr",
]

MIN_ARENA = 16 << 20


def _arena_size(model_bytes: bytes, arena_size: int | None) -> int:
    if arena_size is not None:
        return int(arena_size)
    # Generous: TFLM also keeps flatbuffer-derived metadata in the arena.
    return max(MIN_ARENA, 8 * len(model_bytes))


def make_interpreter(model_bytes: bytes, arena_size: int | None = None):
    """A fresh ``runtime.Interpreter`` (allocation-recording config)."""
    return runtime.Interpreter.from_bytes(
        bytes(model_bytes), arena_size=_arena_size(model_bytes, arena_size))


def io_counts(model_bytes: bytes) -> tuple[int, int]:
    """(number of inputs, number of outputs) of subgraph 0."""
    model = fb.Model.GetRootAs(bytes(model_bytes), 0)
    sg = model.Subgraphs(0)
    return sg.InputsLength(), sg.OutputsLength()


def model_io(model_bytes: bytes, interpreter=None) -> dict:
    """Input/output descriptions as reported by the TFLM interpreter.

    Returns ``{"inputs": [...], "outputs": [...]}``; each entry is a dict with
    ``shape`` (tuple), ``dtype`` (numpy dtype), ``scales`` (float32 array),
    ``zero_points`` (int32 array), ``scale``/``zero_point`` (first element,
    or None when unquantized) and ``quantized_dimension``.
    """
    it = interpreter or make_interpreter(model_bytes)
    n_in, n_out = io_counts(model_bytes)

    def describe(d):
        q = d.get("quantization_parameters") or {}
        scales = np.asarray(q.get("scales", []), dtype=np.float32)
        zps = np.asarray(q.get("zero_points", []), dtype=np.int32)
        return {
            "shape": tuple(int(s) for s in d["shape"]),
            "dtype": np.dtype(d["dtype"]),
            "scales": scales,
            "zero_points": zps,
            "scale": float(scales[0]) if scales.size else None,
            "zero_point": int(zps[0]) if zps.size else None,
            "quantized_dimension": int(q.get("quantized_dimension", 0)),
        }

    return {
        "inputs": [describe(it.get_input_details(i)) for i in range(n_in)],
        "outputs": [describe(it.get_output_details(i)) for i in range(n_out)],
    }


def _coerce_input(arr, desc: dict, index: int) -> np.ndarray:
    a = np.asarray(arr)
    want = desc["dtype"]
    if a.dtype != want:
        # Lossless conversions only: int->int/float with unchanged values,
        # float->float (e.g. float64 literals for a float32 input).
        cast = a.astype(want)
        ok = (a.dtype.kind == "f" and want.kind == "f") or (
            a.dtype.kind in "iub" and np.array_equal(cast, a))
        if not ok:
            raise TypeError(f"input {index}: cannot convert {a.dtype} to {want} losslessly")
        a = cast
    if a.shape != desc["shape"]:
        if a.size != int(np.prod(desc["shape"])):
            raise ValueError(f"input {index}: shape {a.shape}, model wants {desc['shape']}")
        a = a.reshape(desc["shape"])
    return np.ascontiguousarray(a)


def run_tflm(model_bytes: bytes, inputs, arena_size: int | None = None,
             interpreter=None) -> list[np.ndarray]:
    """Run one inference; ``inputs`` is a list with one array per model input
    (a bare array is accepted for single-input models).  Returns a list of
    output arrays (copies) in model output order.
    """
    if isinstance(inputs, np.ndarray):
        inputs = [inputs]
    it = interpreter or make_interpreter(model_bytes, arena_size)
    io = model_io(model_bytes, it)
    if len(inputs) != len(io["inputs"]):
        raise ValueError(f"model has {len(io['inputs'])} inputs, got {len(inputs)}")
    for i, (arr, desc) in enumerate(zip(inputs, io["inputs"])):
        it.set_input(_coerce_input(arr, desc, i), i)
    it.invoke()
    return [np.array(it.get_output(i), copy=True) for i in range(len(io["outputs"]))]


def run_tflm_many(model_bytes: bytes, input_sets: Sequence,
                  arena_size: int | None = None) -> list[list[np.ndarray]]:
    """:func:`run_tflm` for several input sets, reusing one interpreter.

    The interpreter is ``reset()`` between sets so stateful kernels start
    clean each time.
    """
    it = make_interpreter(model_bytes, arena_size)
    results = []
    for inputs in input_sets:
        it.reset()
        results.append(run_tflm(model_bytes, inputs, interpreter=it))
    return results


@contextlib.contextmanager
def capture_fd_stderr() -> Iterator[list]:
    """Capture everything written to file descriptor 2 (C-level stderr).

    Yields a list that receives the captured text as its single element when
    the block exits.
    """
    result: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield result
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            result.append(tmp.read().decode("utf-8", errors="replace"))


_ALLOC_RE = re.compile(r"Arena allocation (total|head|tail) (\d+) bytes")


def tflm_arena_bytes(model_bytes: bytes, inputs=None,
                     arena_size: int | None = None) -> dict:
    """Arena usage of TFLM for this model: ``{"total", "head", "tail"}``.

    Runs one inference (zeros, or ``inputs``) first so that the numbers
    reflect a fully prepared interpreter; ``"report"`` holds the raw text.
    """
    it = make_interpreter(model_bytes, arena_size)
    io = model_io(model_bytes, it)
    if inputs is None:
        inputs = [np.zeros(d["shape"], d["dtype"]) for d in io["inputs"]]
    run_tflm(model_bytes, inputs, interpreter=it)
    with capture_fd_stderr() as captured:
        it.print_allocations()
    text = captured[0]
    found = {k: int(v) for k, v in _ALLOC_RE.findall(text)}
    missing = {"total", "head", "tail"} - found.keys()
    if missing:
        raise RuntimeError(f"could not parse {sorted(missing)} from TFLM output:\n{text}")
    found["report"] = text
    return found


def deterministic_inputs(model_bytes: bytes, seeds: Sequence[int] = (0, 1, 2),
                         float_extreme: float = 3.0
                         ) -> Iterator[tuple[str, list[np.ndarray]]]:
    """Yield ``(name, [one array per model input])`` pairs.

    Sets: ``seed0``, ``seed1``, ``seed2`` (random), ``all_min`` and
    ``all_max``.  Integer inputs use the full dtype range (int8: -128..127);
    float32 inputs use standard normal samples and -/+``float_extreme``.
    Every input of a set is drawn from the same generator, in input order.
    """
    descs = model_io(model_bytes)["inputs"]

    def rand(rng, d):
        dt = d["dtype"]
        if dt.kind == "f":
            return rng.standard_normal(d["shape"]).astype(dt)
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max + 1, size=d["shape"]).astype(dt)

    def full(d, high: bool):
        dt = d["dtype"]
        if dt.kind == "f":
            v = float_extreme if high else -float_extreme
        else:
            v = np.iinfo(dt).max if high else np.iinfo(dt).min
        return np.full(d["shape"], v, dtype=dt)

    for seed in seeds:
        rng = np.random.default_rng(seed)
        yield f"seed{seed}", [rand(rng, d) for d in descs]
    yield "all_min", [full(d, False) for d in descs]
    yield "all_max", [full(d, True) for d in descs]
