"""Read a .tflite flatbuffer into the typed IR (tinyengine_pio.ir)."""
from __future__ import annotations

import math
import os

import numpy as np
import tflite

from .errors import FloatModelError, MalformedModelError, ModelError, UnsupportedError
from .ir import NP_TYPES, Graph, Operator, Tensor
from .ops import REGISTRY
from .ops.base import BUILTIN_NAMES, DTYPE_REGISTRY
from .validate import Limits, validate

TENSOR_TYPES = {v: k.lower() for k, v in vars(tflite.TensorType).items() if not k.startswith("_")}


def load_bytes(path: str | os.PathLike) -> bytes:
    p = os.fspath(path)
    if not os.path.exists(p):
        raise ModelError(f"model file not found: {p}")
    if os.path.isdir(p):
        raise ModelError(f"model path is a directory, not a .tflite file: {p}")
    try:
        with open(p, "rb") as f:
            return f.read()
    except OSError as e:
        raise ModelError(f"cannot read model file {p}: {e.strerror}") from None


def read_model(data: bytes, name: str = "model", limits: Limits | None = None) -> Graph:
    """Parse and convert a .tflite model to a Graph, then validate it (validate.py): a graph that
    comes out of here is consistent. Raises TinyEngineError subclasses only."""
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ModelError(f"{name}: not a TensorFlow Lite flatbuffer (missing 'TFL3' identifier; "
                         f"{len(data)} bytes)")
    try:
        model = tflite.Model.GetRootAsModel(data, 0)
        g = _convert(model, data, name, limits or Limits())
    except (ModelError, UnsupportedError, FloatModelError):
        raise
    except Exception as e:  # flatbuffers raises struct/index errors on truncated data
        raise ModelError(f"{name}: corrupt or truncated .tflite flatbuffer ({type(e).__name__}: {e})") from None
    return validate(g)


def _convert(model, data: bytes, name: str, limits: Limits) -> Graph:
    if model.SubgraphsLength() != 1:
        raise UnsupportedError(f"{name}: the model has {model.SubgraphsLength()} subgraphs; only "
                               "single-subgraph models are supported (no control flow ops)")
    sg = model.Subgraphs(0)
    tensors = [_read_tensor(model, sg.Tensors(i), i, data, limits)
               for i in range(sg.TensorsLength())]
    ops = []
    n_codes = model.OperatorCodesLength()
    for i in range(sg.OperatorsLength()):
        op_fb = sg.Operators(i)
        if not 0 <= op_fb.OpcodeIndex() < n_codes:
            raise MalformedModelError(f"{name}: operator #{i} has opcode index "
                                      f"{op_fb.OpcodeIndex()}, out of range (the model has "
                                      f"{n_codes} operator codes)")
        oc = model.OperatorCodes(op_fb.OpcodeIndex())
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        kind = BUILTIN_NAMES.get(code, f"BUILTIN_{code}")
        if code == tflite.BuiltinOperator.CUSTOM:
            kind = f"CUSTOM({oc.CustomCode().decode(errors='replace') if oc.CustomCode() else '?'})"
        ops.append((i, kind, code, op_fb))
    g = Graph(tensors=tensors, operators=[], inputs=list(sg.InputsAsNumpy()) if sg.InputsLength() else [],
              outputs=list(sg.OutputsAsNumpy()) if sg.OutputsLength() else [],
              description=name)
    g.inputs = [int(i) for i in g.inputs]
    g.outputs = [int(i) for i in g.outputs]
    for i, kind, code, op_fb in ops:
        opdef = REGISTRY.get(kind if kind.startswith("CUSTOM(") else code) or next(
            (d for (c, _), d in DTYPE_REGISTRY.items() if c == code or c == kind), None)
        ins = [int(x) for x in op_fb.InputsAsNumpy()] if op_fb.InputsLength() else []
        outs = [int(x) for x in op_fb.OutputsAsNumpy()] if op_fb.OutputsLength() else []
        # an operator without any implementation keeps no options: validate.py lists it with
        # every other refusal
        g.operators.append(Operator(index=i, kind=kind, inputs=ins, outputs=outs,
                                    options=_read_options(opdef, op_fb, i, kind) if opdef else {}))
    return g


def safe_text(text: str) -> str:
    """A name from the model as it may appear in a message or a generated C comment: control
    characters escaped, no comment delimiter (which -Wcomment and the comment's end would trip
    on) and no trigraph."""
    out = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    for bad, good in (("*/", "*\\/"), ("/*", "/\\*"), ("??", "?\\?")):
        out = out.replace(bad, good)
    return out


def _read_options(opdef, op_fb, index: int, kind: str) -> dict:
    """The op's options; a missing table (where the op needs one) or a table of another type
    (ops.base.options_table) is named on the operator rather than reported as a corrupt file."""
    try:
        return opdef.read_options(op_fb)
    except MalformedModelError as e:
        raise MalformedModelError(f"operator #{index} {kind}: {e}") from None
    except AttributeError:      # options_table() gave None: the op's options are missing
        raise MalformedModelError(f"operator #{index} {kind}: its builtin options are "
                                  "missing") from None


def _read_tensor(model, t, index: int, data: bytes, limits: Limits) -> Tensor:
    dtype = TENSOR_TYPES.get(t.Type(), f"type{t.Type()}")
    shape = tuple(int(s) for s in t.ShapeAsNumpy()) if t.ShapeLength() else ()
    name = safe_text(t.Name().decode(errors="replace")) if t.Name() else f"t{index}"
    if dtype not in NP_TYPES:
        raise UnsupportedError(f"tensor #{index} '{name}' has unsupported type {dtype}")
    if t.ShapeSignatureLength() and any(int(s) < 0 for s in t.ShapeSignatureAsNumpy()):
        sig = [int(s) for s in t.ShapeSignatureAsNumpy()]
        if any(s < 0 for s in sig[1:]) or sig[0] < -1:
            raise UnsupportedError(f"tensor #{index} '{name}' has a dynamic shape {sig}; "
                                   "re-export the model with fixed input shapes")
    if any(s < 0 for s in shape):
        raise UnsupportedError(f"tensor #{index} '{name}' has a dynamic shape {list(shape)}; "
                               "re-export the model with fixed input shapes")
    if len(shape) > 8:
        raise UnsupportedError(f"tensor #{index} '{name}' has rank {len(shape)}")
    limits.check_tensor(index, name, shape, dtype)     # before anything sized by it
    scale = zp = None
    qdim = 0
    q = t.Quantization()
    if q is not None and q.ScaleLength():
        scale = q.ScaleAsNumpy().astype(np.float32)
        zp = q.ZeroPointAsNumpy().astype(np.int64) if q.ZeroPointLength() else np.zeros(len(scale), np.int64)
        if len(zp) == 1 and len(scale) > 1:
            zp = np.repeat(zp, len(scale))
        if len(zp) != len(scale):
            raise MalformedModelError(f"tensor #{index} '{name}' has {len(scale)} quantization "
                                      f"scales but {len(zp)} zero points")
        qdim = int(q.QuantizedDimension())
    const = None
    buf_idx = t.Buffer()
    if not 0 <= buf_idx < max(model.BuffersLength(), 1):
        raise MalformedModelError(f"tensor #{index} '{name}' uses buffer {buf_idx}, out of range "
                                  f"(the model has {model.BuffersLength()} buffers)")
    if buf_idx > 0:
        buf = model.Buffers(buf_idx)
        raw = None
        if buf.DataLength():
            raw = buf.DataAsNumpy().tobytes()
        elif buf.Offset() > 1:  # large models store buffers after the flatbuffer
            if buf.Offset() + buf.Size() > len(data):
                raise MalformedModelError(
                    f"tensor #{index} '{name}': buffer {buf_idx} lies at bytes {buf.Offset()} to "
                    f"{buf.Offset() + buf.Size()}, past the end of the {len(data)}-byte file")
            raw = data[buf.Offset():buf.Offset() + buf.Size()]
        if raw is not None:
            itemsize = np.dtype(NP_TYPES[dtype]).itemsize
            n = math.prod(shape)
            if len(raw) != n * itemsize:
                raise MalformedModelError(
                    f"tensor #{index} '{name}': constant data has {len(raw)} bytes, shape "
                    f"{list(shape)} {dtype} needs {n * itemsize}")
            const = np.frombuffer(raw, dtype=NP_TYPES[dtype]).reshape(shape).copy()
    variable = bool(t.IsVariable())
    if variable:    # TFLM ignores a variable tensor's buffer: it resets it to the zero point
        const = None
    return Tensor(index=index, name=name, shape=shape, dtype=dtype, scale=scale, zero_point=zp,
                  quant_dim=qdim, data=const, is_variable=variable)
