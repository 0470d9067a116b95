"""Build small single-subgraph .tflite flatbuffers without TensorFlow.

Uses the flatbuffer object API generated for the TFLite schema that ships with
``tflite_micro`` (the same approach as TFLM's own ``model_editor.py``):
buffer 0 is the empty sentinel buffer, the model declares schema version 3,
and every operator code carries both ``builtinCode`` and
``deprecatedBuiltinCode = min(code, 127)``.

Example::

    mb = ModelBuilder()
    x = mb.tensor([1, 8, 8, 3], "int8", scale=0.05, zero_point=-3, name="x")
    w = mb.const(w_int8, scale=w_scales, zero_point=0, quant_dim=0)
    b = mb.const(b_int32, scale=0.05 * w_scales, zero_point=0)
    y = mb.tensor([1, 8, 8, 4], "int8", scale=0.1, zero_point=2)
    mb.op("CONV_2D", [x, w, b], [y],
          options=dict(padding="SAME", fused_activation_function="RELU6"))
    data = mb.build(inputs=[x], outputs=[y])        # -> bytes

Options are given as a dict keyed by the schema's snake_case field names
(``stride_w``, ``fused_activation_function``, ``keep_dims`` ...); enum-valued
fields accept the enum member name as a string.  Unspecified fields take the
defaults in ``_DEFAULT_OPTIONS`` (e.g. stride 1, dilation 1, beta 1.0), not the
flatbuffer defaults, which are often invalid (stride 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb

__all__ = [
    "ModelBuilder",
    "TensorRef",
    "DTYPES",
    "OP_OPTIONS",
    "random_conv_weights",
    "random_bias",
    "quantize",
    "dequantize",
]

# name -> (TensorType value, numpy dtype)
DTYPES = {
    "int8": (fb.TensorType.INT8, np.int8),
    "int16": (fb.TensorType.INT16, np.int16),
    "int32": (fb.TensorType.INT32, np.int32),
    "float32": (fb.TensorType.FLOAT32, np.float32),
    "uint8": (fb.TensorType.UINT8, np.uint8),
    "int64": (fb.TensorType.INT64, np.int64),
    "bool": (fb.TensorType.BOOL, np.bool_),
}
_NP_TO_NAME = {np.dtype(np_t): name for name, (_, np_t) in DTYPES.items()}

# Operator name -> (BuiltinOptions member name or None, *OptionsT class or None)
OP_OPTIONS = {
    "CONV_2D": ("Conv2DOptions", fb.Conv2DOptionsT),
    "DEPTHWISE_CONV_2D": ("DepthwiseConv2DOptions", fb.DepthwiseConv2DOptionsT),
    "FULLY_CONNECTED": ("FullyConnectedOptions", fb.FullyConnectedOptionsT),
    "ADD": ("AddOptions", fb.AddOptionsT),
    "SUB": ("SubOptions", fb.SubOptionsT),
    "MUL": ("MulOptions", fb.MulOptionsT),
    "AVERAGE_POOL_2D": ("Pool2DOptions", fb.Pool2DOptionsT),
    "MAX_POOL_2D": ("Pool2DOptions", fb.Pool2DOptionsT),
    "MEAN": ("ReducerOptions", fb.ReducerOptionsT),
    "SOFTMAX": ("SoftmaxOptions", fb.SoftmaxOptionsT),
    "LOGISTIC": (None, None),
    "TANH": (None, None),
    "RELU": (None, None),
    "RELU6": (None, None),
    "HARD_SWISH": ("HardSwishOptions", fb.HardSwishOptionsT),
    "RESHAPE": ("ReshapeOptions", fb.ReshapeOptionsT),
    "SQUEEZE": ("SqueezeOptions", fb.SqueezeOptionsT),
    "PAD": ("PadOptions", fb.PadOptionsT),
    "PADV2": ("PadV2Options", fb.PadV2OptionsT),
    "CONCATENATION": ("ConcatenationOptions", fb.ConcatenationOptionsT),
    "TRANSPOSE": ("TransposeOptions", fb.TransposeOptionsT),
    "QUANTIZE": (None, None),
    "DEQUANTIZE": (None, None),
    "RESIZE_NEAREST_NEIGHBOR": (
        "ResizeNearestNeighborOptions",
        fb.ResizeNearestNeighborOptionsT,
    ),
    "RESIZE_BILINEAR": ("ResizeBilinearOptions", fb.ResizeBilinearOptionsT),
    "ARG_MAX": ("ArgMaxOptions", fb.ArgMaxOptionsT),
    "ARG_MIN": ("ArgMinOptions", fb.ArgMinOptionsT),
    "REDUCE_MAX": ("ReducerOptions", fb.ReducerOptionsT),
    "SUM": ("ReducerOptions", fb.ReducerOptionsT),
    "REDUCE_MIN": ("ReducerOptions", fb.ReducerOptionsT),
    "DEPTH_TO_SPACE": ("DepthToSpaceOptions", fb.DepthToSpaceOptionsT),
    "SPACE_TO_DEPTH": ("SpaceToDepthOptions", fb.SpaceToDepthOptionsT),
    "TRANSPOSE_CONV": ("TransposeConvOptions", fb.TransposeConvOptionsT),
    "BATCH_MATMUL": ("BatchMatMulOptions", fb.BatchMatMulOptionsT),
    "DIV": ("DivOptions", fb.DivOptionsT),
    "LEAKY_RELU": ("LeakyReluOptions", fb.LeakyReluOptionsT),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": ("UnidirectionalSequenceLSTMOptions",
                                     fb.UnidirectionalSequenceLSTMOptionsT),
    "SVDF": ("SVDFOptions", fb.SVDFOptionsT),
}

# Defaults that differ from (invalid) flatbuffer defaults, per options class.
_DEFAULT_OPTIONS = {
    fb.Conv2DOptionsT: dict(stride_w=1, stride_h=1, padding="SAME"),
    fb.DepthwiseConv2DOptionsT: dict(
        stride_w=1, stride_h=1, padding="SAME", depth_multiplier=1
    ),
    fb.Pool2DOptionsT: dict(stride_w=1, stride_h=1, padding="VALID"),
    fb.SoftmaxOptionsT: dict(beta=1.0),
    fb.UnidirectionalSequenceLSTMOptionsT: dict(fused_activation_function="TANH"),
    fb.SVDFOptionsT: dict(rank=1),
}

# snake_case option field -> enum class used to translate string values.
_ENUM_FIELDS = {
    "padding": fb.Padding,
    "fused_activation_function": fb.ActivationFunctionType,
    "weights_format": fb.FullyConnectedOptionsWeightsFormat,
    "quantized_bias_type": fb.TensorType,
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _enum_value(enum_cls, value):
    if isinstance(value, str):
        try:
            return getattr(enum_cls, value.upper())
        except AttributeError:
            raise ValueError(f"{value!r} is not a member of {enum_cls.__name__}")
    return int(value)


class _AlignedBufferT(fb.BufferT):
    """BufferT whose data vector is 16-byte aligned in the output file.

    The schema declares ``data:[ubyte] (force_align: 16)``; the C++ builder
    honours that but the generated Python ``Pack`` does not.
    """

    def Pack(self, builder):
        data = bytes(self.data or b"")
        vec = None
        if data:
            builder.StartVector(1, len(data), 16)
            builder.head -= len(data)
            builder.Bytes[builder.head:builder.head + len(data)] = data
            vec = builder.EndVector()
        fb.BufferStart(builder)
        if vec is not None:
            fb.BufferAddData(builder, vec)
        return fb.BufferEnd(builder)


@dataclass
class TensorRef:
    """Handle to a tensor of the model under construction."""

    index: int
    shape: tuple
    dtype: str
    scale: float | np.ndarray | None = None
    zero_point: int | np.ndarray | None = None
    name: str = ""
    data: np.ndarray | None = field(default=None, repr=False)


class ModelBuilder:
    """Accumulates tensors and operators; ``build()`` packs a .tflite model."""

    def __init__(self, description: str = "tests.helpers.builder"):
        self.description = description
        self._tensors: list[fb.TensorT] = []
        self._refs: list[TensorRef] = []
        self._buffers: list[fb.BufferT] = [self._empty_buffer()]
        self._opcodes: dict = {}  # builtin code (or ("CUSTOM", custom code)) -> opcode index
        self._opcode_list: list[fb.OperatorCodeT] = []
        self._operators: list[fb.OperatorT] = []

    # -- tensors -----------------------------------------------------------

    @staticmethod
    def _empty_buffer() -> fb.BufferT:
        buf = fb.BufferT()
        buf.data = []
        return buf

    def _add_tensor(self, shape, dtype, scale, zero_point, quant_dim, name,
                    buffer_index, shape_signature, data) -> TensorRef:
        if dtype not in DTYPES:
            raise ValueError(f"unsupported dtype {dtype!r}; use one of {list(DTYPES)}")
        t = fb.TensorT()
        t.shape = [int(d) for d in shape]
        t.type = DTYPES[dtype][0]
        t.buffer = buffer_index
        idx = len(self._tensors)
        t.name = name if name is not None else f"t{idx}"
        if shape_signature is not None:
            if len(shape_signature) != len(t.shape):
                raise ValueError("shape_signature rank must match shape rank")
            t.shapeSignature = [int(d) for d in shape_signature]
        if scale is not None:
            scales = np.atleast_1d(np.asarray(scale, dtype=np.float64))
            zp = 0 if zero_point is None else zero_point
            zps = np.atleast_1d(np.asarray(zp, dtype=np.int64))
            if zps.size == 1 and scales.size > 1:
                zps = np.repeat(zps, scales.size)
            if zps.size != scales.size:
                raise ValueError("scale and zero_point lengths differ")
            q = fb.QuantizationParametersT()
            q.scale = [float(s) for s in scales]
            q.zeroPoint = [int(z) for z in zps]
            q.quantizedDimension = int(quant_dim or 0)
            t.quantization = q
        self._tensors.append(t)
        ref = TensorRef(idx, tuple(t.shape), dtype, scale, zero_point, t.name, data)
        self._refs.append(ref)
        return ref

    def tensor(self, shape: Sequence[int], dtype: str = "int8", scale=None,
               zero_point=None, name: str | None = None, quant_dim: int = 0,
               shape_signature: Sequence[int] | None = None,
               variable: bool = False) -> TensorRef:
        """Add a non-constant (activation) tensor.

        ``shape_signature`` (e.g. ``[-1, 8, 8, 3]``) marks a dynamic shape.
        Without ``scale`` the tensor is unquantized. ``variable=True`` marks it
        ``is_variable`` (an operator's state, e.g. an LSTM's or SVDF's).
        """
        ref = self._add_tensor(shape, dtype, scale, zero_point, quant_dim, name,
                               0, shape_signature, None)
        self._tensors[ref.index].isVariable = bool(variable)
        return ref

    def const(self, data, dtype: str | None = None, scale=None, zero_point=None,
              quant_dim: int = 0, name: str | None = None) -> TensorRef:
        """Add a constant tensor holding ``data`` (numpy array or nested list).

        ``dtype`` defaults to the array's dtype.  A ``scale`` array (length > 1)
        gives per-channel quantization along ``quant_dim`` (0 for conv weights
        [O,H,W,I], 3 for depthwise weights [1,H,W,C*M]).
        """
        arr = np.asarray(data)
        if dtype is None:
            if arr.dtype not in _NP_TO_NAME:
                raise ValueError(f"cannot infer tensor dtype from {arr.dtype}")
            dtype = _NP_TO_NAME[arr.dtype]
        arr = np.ascontiguousarray(arr.astype(DTYPES[dtype][1], copy=False))
        if scale is not None and np.size(scale) > 1:
            if np.size(scale) != arr.shape[quant_dim]:
                raise ValueError(
                    f"{np.size(scale)} scales for dimension {quant_dim} of size "
                    f"{arr.shape[quant_dim]}")
        buf = _AlignedBufferT()
        buf.data = arr.tobytes()
        self._buffers.append(buf)
        return self._add_tensor(arr.shape, dtype, scale, zero_point, quant_dim, name,
                                len(self._buffers) - 1, None, arr)

    def int32(self, values, name: str | None = None) -> TensorRef:
        """Shorthand for an unquantized int32 constant (axis, perm, paddings...)."""
        return self.const(np.asarray(values, dtype=np.int32), "int32", name=name)

    # -- operators ---------------------------------------------------------

    def _opcode_index(self, code: int) -> int:
        if code not in self._opcodes:
            oc = fb.OperatorCodeT()
            oc.builtinCode = code
            oc.deprecatedBuiltinCode = min(code, 127)
            oc.version = 1
            self._opcodes[code] = len(self._opcode_list)
            self._opcode_list.append(oc)
        return self._opcodes[code]

    @staticmethod
    def _make_options(op_name: str, options: dict | None):
        union_name, cls = OP_OPTIONS.get(op_name, (None, None))
        options = dict(options or {})
        if cls is None:
            if options:
                raise ValueError(f"{op_name} takes no options, got {options}")
            return fb.BuiltinOptions.NONE, None
        obj = cls()
        merged = {**_DEFAULT_OPTIONS.get(cls, {}), **options}
        for key, value in merged.items():
            attr = _camel(key)
            if attr not in vars(obj):
                raise ValueError(
                    f"{op_name}: unknown option {key!r}; valid: "
                    f"{sorted(vars(obj))} (given in snake_case)")
            if key in _ENUM_FIELDS:
                value = _enum_value(_ENUM_FIELDS[key], value)
            elif isinstance(value, np.ndarray):
                value = [int(v) for v in value]
            setattr(obj, attr, value)
        return getattr(fb.BuiltinOptions, union_name), obj

    def op(self, op_name: str, inputs: Iterable, outputs: Iterable,
           options: dict | None = None) -> int:
        """Append an operator; inputs/outputs are TensorRefs, indices or None
        (None = omitted optional input, encoded as -1).  Returns op index."""
        code = getattr(fb.BuiltinOperator, op_name.upper(), None)
        if code is None:
            raise ValueError(f"unknown builtin operator {op_name!r}")
        o = fb.OperatorT()
        o.opcodeIndex = self._opcode_index(code)
        o.inputs = [self._idx(t) for t in inputs]
        o.outputs = [self._idx(t) for t in outputs]
        o.builtinOptionsType, o.builtinOptions = self._make_options(
            op_name.upper(), options)
        self._operators.append(o)
        return len(self._operators) - 1

    def custom_op(self, custom_code: str, inputs: Iterable, outputs: Iterable,
                  custom_options: bytes | dict | None = None) -> int:
        """Append a custom operator (builtin code CUSTOM with ``custom_code``, e.g.
        "TFLite_Detection_PostProcess"); ``custom_options`` are raw bytes, or a dict packed
        as a flexbuffer map (``flexbuffers.Dumps``). Returns the op index."""
        from flatbuffers import flexbuffers
        key = ("CUSTOM", custom_code)
        if key not in self._opcodes:
            oc = fb.OperatorCodeT()
            oc.builtinCode = oc.deprecatedBuiltinCode = fb.BuiltinOperator.CUSTOM
            oc.customCode = custom_code
            oc.version = 1
            self._opcodes[key] = len(self._opcode_list)
            self._opcode_list.append(oc)
        o = fb.OperatorT()
        o.opcodeIndex = self._opcodes[key]
        o.inputs = [self._idx(t) for t in inputs]
        o.outputs = [self._idx(t) for t in outputs]
        if isinstance(custom_options, dict):
            custom_options = flexbuffers.Dumps(custom_options)
        if custom_options is not None:
            o.customOptions = list(bytes(custom_options))
        self._operators.append(o)
        return len(self._operators) - 1

    @staticmethod
    def _idx(t) -> int:
        if t is None:
            return -1
        return t.index if isinstance(t, TensorRef) else int(t)

    # -- packing -----------------------------------------------------------

    def build(self, inputs: Sequence, outputs: Sequence,
              extra_subgraph: bool = False) -> bytes:
        """Pack the model into .tflite bytes.

        ``extra_subgraph=True`` appends a trivial second subgraph (one int8
        tensor that is both input and output, no operators) to produce a
        multi-subgraph model for error-path tests.
        """
        sg = fb.SubGraphT()
        sg.tensors = list(self._tensors)
        sg.inputs = [self._idx(t) for t in inputs]
        sg.outputs = [self._idx(t) for t in outputs]
        sg.operators = list(self._operators)
        sg.name = "main"
        subgraphs = [sg]
        if extra_subgraph:
            t = fb.TensorT()
            t.shape, t.type, t.buffer, t.name = [1], fb.TensorType.INT8, 0, "extra"
            sg2 = fb.SubGraphT()
            sg2.tensors, sg2.inputs, sg2.outputs = [t], [0], [0]
            sg2.operators, sg2.name = [], "extra"
            subgraphs.append(sg2)

        model = fb.ModelT()
        model.version = 3
        model.description = self.description
        model.operatorCodes = list(self._opcode_list)
        model.subgraphs = subgraphs
        model.buffers = list(self._buffers)

        size_hint = 4096 + sum(len(b.data or b"") for b in self._buffers)
        builder = flatbuffers.Builder(size_hint)
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())

    def ref(self, index: int) -> TensorRef:
        """The TensorRef for a tensor index."""
        return self._refs[index]


# -- convenience helpers ---------------------------------------------------


def random_conv_weights(rng: np.random.Generator, shape: Sequence[int],
                        per_channel: bool = True, quant_dim: int = 0,
                        scale_range=(0.002, 0.02)):
    """Random symmetric int8 weights in [-127, 127] and their scale(s).

    Returns ``(weights_int8, scales)`` where ``scales`` is a float32 array of
    length ``shape[quant_dim]`` if ``per_channel`` else a Python float.  Use
    ``quant_dim=0`` for CONV_2D/FULLY_CONNECTED and 3 for DEPTHWISE_CONV_2D.
    """
    w = rng.integers(-127, 128, size=tuple(shape)).astype(np.int8)
    lo, hi = scale_range
    if per_channel:
        scales = rng.uniform(lo, hi, size=shape[quant_dim]).astype(np.float32)
    else:
        scales = float(rng.uniform(lo, hi))
    return w, scales


def random_bias(rng: np.random.Generator, n: int, input_scale: float,
                weight_scales, magnitude: int = 2000):
    """Random int32 bias of length ``n`` with scale = input_scale*weight_scale.

    Returns ``(bias_int32, bias_scales)``; ``bias_scales`` is an array when
    ``weight_scales`` is per-channel, else a float.
    """
    b = rng.integers(-magnitude, magnitude + 1, size=n).astype(np.int32)
    ws = np.asarray(weight_scales, dtype=np.float64)
    scales = (input_scale * ws).astype(np.float32)
    return b, (scales if scales.size > 1 else float(scales.reshape(-1)[0]))


def quantize(x, scale: float, zero_point: int, dtype=np.int8) -> np.ndarray:
    """Affine-quantize like TFLite's reference QUANTIZE: float32 division by
    the float32 scale, round half away from zero, add zero point, saturate."""
    info = np.iinfo(dtype)
    v = (np.asarray(x, dtype=np.float32) / np.float32(scale)).astype(np.float64)
    q = np.sign(v) * np.floor(np.abs(v) + 0.5) + zero_point
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize(q, scale: float, zero_point: int) -> np.ndarray:
    """Inverse of :func:`quantize` (float32 result)."""
    return ((np.asarray(q, dtype=np.float64) - zero_point) * scale).astype(np.float32)
