"""SHAPE: the static shape of its input, always folded at compile time (passes/fold_constants.py);
Keras' flatten and reshape-with-batch leave SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE chains."""
from __future__ import annotations

import numpy as np
import tflite

from ..ir import Graph, Operator
from .base import OpDef, options_table, register, unsupported
from .signature import Operand, Signature, check

SIGNATURE = Signature((Operand("input", dtypes=("int8", "uint8", "int16", "int32", "int64",
                                                "float32", "bool"), quantized=False),),
                      (Operand("output", dtypes=("int32", "int64"), ranks=(1,), quantized=False),))


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.ShapeOptions)
    return {"out_type": o.OutType() if o else tflite.TensorType.INT32}


def check_shape(g: Graph, op: Operator) -> None:
    out, rank = g.t(op.outputs[0]), len(g.t(op.inputs[0]).shape)
    check(list(out.shape) == [rank], op, f"output '{out.name}' has shape {list(out.shape)}, "
                                         f"expected [{rank}] (the input's rank)")


def evaluate(g: Graph, op: Operator) -> list:
    return [np.array(g.t(op.inputs[0]).shape, dtype=np.int64)]


def prepare(_g: Graph, op: Operator) -> None:
    """Reached only when not folded: its result is a model output."""
    raise unsupported(op, "a SHAPE whose result is a model output (it is computed at compile "
                          "time; read the shape from the model instead)")


def _never(_ctx, op: Operator) -> None:
    raise AssertionError(f"{op.kind} #{op.index} is always folded at compile time")


register(OpDef(name="SHAPE", stem="shape", read_options=read_options, prepare=prepare, emit=_never,
               signature=SIGNATURE, check=check_shape, evaluate=evaluate, reads_data=False))
