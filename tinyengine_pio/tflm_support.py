"""What TFLite Micro's own kernels accept, per builtin and activation type: the refusal message
says of each operator we cannot compile whether TFLM could have run it (so the user knows
whether the model or this compiler is the obstacle).

Taken from TFLM's kernel sources (tensorflow/lite/micro/kernels/*.cc, their Eval switch on the
input type) as of the 2024-2025 releases the `tflite-micro` wheel ships; "int16" means the
int16x8 scheme (16-bit activations, 8-bit weights). A builtin not listed is not in TFLM's
op resolver at all."""
from __future__ import annotations

from .ir import Graph, Operator

_F, _I8, _I16, _U8, _I32 = "float32", "int8", "int16", "uint8", "int32"

TFLM_DTYPES: dict[str, frozenset] = {k: frozenset(v) for k, v in {
    "ABS": (_F, _I8, _I16), "ADD": (_F, _I8, _I16, _I32), "ADD_N": (_F, _I32),
    "ARG_MAX": (_F, _I8, _I32), "ARG_MIN": (_F, _I8, _I32),
    "AVERAGE_POOL_2D": (_F, _I8, _I16), "BATCH_MATMUL": (_F, _I8, _I16),
    "BATCH_TO_SPACE_ND": (_F, _I8), "BROADCAST_ARGS": (_I32,), "BROADCAST_TO": (_F, _I8, _I16, _I32),
    "CAST": (_F, _I8, _I16, _I32, _U8), "CEIL": (_F,), "CONCATENATION": (_F, _I8, _I16, _I32),
    "CONV_2D": (_F, _I8, _I16), "COS": (_F,), "CUMSUM": (_F, _I8), "DEPTH_TO_SPACE": (_F, _I8),
    "DEPTHWISE_CONV_2D": (_F, _I8, _I16), "DEQUANTIZE": (_I8, _I16, _U8),
    "DIV": (_F, _I8), "ELU": (_F, _I8), "EQUAL": (_F, _I8, _I32), "EMBEDDING_LOOKUP": (_F, _I8),
    "EXP": (_F,), "EXPAND_DIMS": (_F, _I8, _I16), "FILL": (_F, _I8, _I16, _I32),
    "FLOOR": (_F,), "FLOOR_DIV": (_F,), "FLOOR_MOD": (_F,),
    "FULLY_CONNECTED": (_F, _I8, _I16), "GATHER": (_F, _I8), "GATHER_ND": (_F, _I8, _I32),
    "GREATER": (_F, _I8, _I32), "GREATER_EQUAL": (_F, _I8, _I32), "HARD_SWISH": (_F, _I8),
    "L2_NORMALIZATION": (_F, _I8), "L2_POOL_2D": (_F,), "LEAKY_RELU": (_F, _I8, _I16),
    "LESS": (_F, _I8, _I32), "LESS_EQUAL": (_F, _I8, _I32), "LOG": (_F,), "LOG_SOFTMAX": (_F, _I8),
    "LOGICAL_AND": (), "LOGICAL_NOT": (), "LOGICAL_OR": (), "LOGISTIC": (_F, _I8, _I16),
    "MAX_POOL_2D": (_F, _I8, _I16), "MAXIMUM": (_F, _I8, _I32), "MEAN": (_F, _I8, _I16),
    "MINIMUM": (_F, _I8, _I32), "MIRROR_PAD": (_F, _I8), "MUL": (_F, _I8, _I16, _I32),
    "NEG": (_F,), "NOT_EQUAL": (_F, _I8, _I32), "PACK": (_F, _I8, _I16, _I32),
    "PAD": (_F, _I8, _I16, _I32), "PADV2": (_F, _I8, _I16, _I32), "PRELU": (_F, _I8, _I16),
    "QUANTIZE": (_F, _I8, _I16, _U8, _I32), "REDUCE_MAX": (_F, _I8), "REDUCE_MIN": (_F, _I8),
    "RELU": (_F, _I8, _I16), "RELU6": (_F, _I8, _I16), "RESHAPE": (_F, _I8, _I16, _I32),
    "RESIZE_BILINEAR": (_F, _I8), "RESIZE_NEAREST_NEIGHBOR": (_F, _I8, _I16),
    "ROUND": (_F,), "RSQRT": (_F, _I8, _I16), "SELECT_V2": (_F, _I8, _I16), "SHAPE": (_F, _I8, _I16, _I32),
    "SIN": (_F,), "SLICE": (_F, _I8, _I16, _I32), "SOFTMAX": (_F, _I8, _I16),
    "SPACE_TO_BATCH_ND": (_F, _I8), "SPACE_TO_DEPTH": (_F, _I8), "SPLIT": (_F, _I8, _I16, _I32),
    "SPLIT_V": (_F, _I8, _I16, _I32), "SQRT": (_F,), "SQUARE": (_F,),
    "SQUARED_DIFFERENCE": (_F, _I8, _I16, _I32), "SQUEEZE": (_F, _I8, _I16, _I32),
    "STRIDED_SLICE": (_F, _I8, _I16, _I32), "SUB": (_F, _I8, _I16, _I32), "SUM": (_F, _I8, _I16),
    "SVDF": (_F, _I8), "TANH": (_F, _I8, _I16), "TRANSPOSE": (_F, _I8, _I16),
    "TRANSPOSE_CONV": (_F, _I8, _I16), "UNIDIRECTIONAL_SEQUENCE_LSTM": (_F, _I8, _I16),
    "UNPACK": (_F, _I8, _I16, _I32), "WHILE": (), "ZEROS_LIKE": (_F, _I32),
    "CUSTOM(TFLite_Detection_PostProcess)": (_F,),
}.items()}

_RANK = {_F: 0, _I16: 1, _I8: 2, _U8: 3, _I32: 4}


def activation_dtype(g: Graph, op: Operator) -> str:
    """The operator's activation type, as TFLM dispatches on it: its first non-constant input's
    (float32 wins where a conversion mixes types), else its first output's."""
    types = [g.t(i).dtype for i in op.inputs if 0 <= i < len(g.tensors) and not g.t(i).is_const]
    types = types or [g.t(o).dtype for o in op.outputs if 0 <= o < len(g.tensors)]
    return min(types, key=lambda t: _RANK.get(t, 9)) if types else "?"


def tflm_runs(kind: str, dtype: str) -> bool:
    return dtype in TFLM_DTYPES.get(kind, ())


def describe_unsupported(g: Graph, refused: list) -> str:
    """One message for every refused operator: index, kind, activation type, why, and whether
    TFLM would run it; then what this compiler supports."""
    from .ops.base import supported_table
    lines = []
    for op, err in refused:
        dtype = activation_dtype(g, op)
        why = str(err).split(": ", 1)[-1] if str(err).startswith("operator #") else str(err)
        tflm = "TFLM runs it" if tflm_runs(op.kind, dtype) else "TFLM does not run it either"
        lines.append(f"  #{op.index} {op.kind} ({dtype}): {why} [{tflm}]")
    kinds = sorted({op.kind for op, _ in refused})
    name = g.description or "model"
    if len(lines) == 1:
        op, err = refused[0]
        dtype = activation_dtype(g, op)
        tflm = "TFLM runs it" if tflm_runs(op.kind, dtype) else "TFLM does not run it either"
        text = str(err) if str(err).startswith(name) else f"{name}: {err}"
    head = (f"{text} [{dtype} activations; {tflm}]" if len(lines) == 1 else
            f"{name}: {len(lines)} operators cannot be compiled ({', '.join(kinds)}):\n"
            + "\n".join(lines[:40]) + (f"\n  ... and {len(lines) - 40} more" if len(lines) > 40 else ""))
    table = supported_table()
    supported = ", ".join(k if v == ["int8"] else f"{k} ({'/'.join(v)})" for k, v in table.items())
    return f"{head}\nSupported operators (int8 unless noted): {supported}"
