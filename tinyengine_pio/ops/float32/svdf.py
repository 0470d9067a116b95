"""SVDF float32: TFLM's EvalFloatSvdfReference (svdf_common.cc); see ops/svdf.py for the operator
and its state. The float operations in TFLM's order: the state shifted left by one; per batch and
filter the feature dot product (from 0.0f in input order) into the newest column; per unit the
bias (or 0.0f) plus, over the rank in order, the time dot products (from 0.0f in memory order),
then ActivationValFloat: NONE, RELU (fmax(0, x)), RELU_N1_TO_1, RELU6 (fmax/fmin), TANH
(te_tanhf, a few ulp from std::tanh) or SIGN_BIT (1.0f where the sign bit is set). Without
TANH the bits equal TFLM's."""
from __future__ import annotations

from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..signature import Operand, Signature
from ..svdf import (
    BIAS,
    INPUT,
    STATE,
    W_FEATURE,
    W_TIME,
    check_shapes,
    macs,
    read_options,
    require_bias,
    sizes,
)
from .common import F32

SIGNATURE = Signature((
    Operand("input", dtypes=F32, ranks=(2,), quantized=False),
    Operand("weights_feature", dtypes=F32, ranks=(2,), const=True, quantized=False),
    Operand("weights_time", dtypes=F32, ranks=(2,), const=True, quantized=False),
    Operand("bias", dtypes=F32, ranks=(1,), const=True, quantized=False, optional=True),
    Operand("state", dtypes=F32, ranks=(2,), const=False, quantized=False)),
    (Operand("output", dtypes=F32, ranks=(2,), quantized=False),))

# kernels/float32/svdf.h TE_SVDF_ACT_*
ACTIVATIONS = {"NONE": 0, "RELU": 1, "RELU_N1_TO_1": 2, "RELU6": 3, "TANH": 4, "SIGN_BIT": 5}


@dataclass
class FloatSvdfParams:
    batches: int
    n_input: int
    n_filters: int
    n_memory: int
    rank: int
    activation: int


def prepare(g: Graph, op: Operator) -> None:
    require_bias(op)
    act = op.options["svdf_activation"]
    require(act in ACTIVATIONS, op, f"activation {act} is not supported")
    batches, n_input, n_filters, _, n_memory, rank = sizes(g, op)
    op.params = FloatSvdfParams(batches, n_input, n_filters, n_memory, rank, ACTIVATIONS[act])


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_svdf_f32", ctx.ptr(op.inputs[INPUT]), ctx.ptr(op.inputs[W_FEATURE]),
             ctx.ptr(op.inputs[W_TIME]), ctx.ptr(op.inputs[BIAS]), ctx.ptr(op.inputs[STATE]), ctx.ptr(op.outputs[0]),
             p.batches, p.n_input, p.n_filters, p.n_memory, p.rank, p.activation)


register(OpDef(name="SVDF", stem="svdf", dtype="float32", read_options=read_options,
               prepare=prepare, emit=emit, kernels=("svdf_f32",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
