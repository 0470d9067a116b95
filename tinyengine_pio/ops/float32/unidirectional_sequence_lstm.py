"""UNIDIRECTIONAL_SEQUENCE_LSTM float32: TFLM's EvalLstm<float, float, float, float> (lstm_eval.h,
lstm_eval.cc), see ops/unidirectional_sequence_lstm.py for the operator, its state and what
TFLM supports.

Per gate and state element the float operations of TFLM, in its order: the input FC (products
summed in input order from 0.0f, + bias, clamped to +-FLT_MAX as FullyConnected's NONE
activation range does), the recurrent FC (from 0.0f, + 0.0f, clamped), their sum, then
reference_ops::Logistic (1 above 16.619..., exp(x) below -9, else 1 / (1 + exp(-x))), the cell
gate's reference_ops::Tanh; the cell update c = clamp(f * c) + clamp(i * g) (Mul's NONE clamp), the
+-cell_clip clip (std::max(std::min(clip, c), -clip)) when cell_clip > 0, and h = clamp(tanh(c)
* o). TFLM computes each gate for a whole row before the next; the elements are independent,
so the kernel computes an element's four gates at once, writes its h to the output row, and
copies the row to the hidden state once every element has read the old one (no scratch).
exp and tanh are te_float.h's (a few ulp from libm): results agree to ~1e-6 relative, not bit
for bit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ...ir import Graph, Operator
from ..base import OpDef, register, require
from ..unidirectional_sequence_lstm import (
    BIASES,
    CELL_STATE,
    HIDDEN_STATE,
    IN_WEIGHTS,
    INPUT,
    REC_WEIGHTS,
    check_shapes,
    lstm_signature,
    macs,
    read_options,
    require_standard,
    sizes,
)
from .common import flit

SIGNATURE = lstm_signature("float32", "float32", "float32", "float32", quantized=False)


@dataclass
class FloatLstmParams:
    batches: int
    steps: int
    n_input: int
    n_state: int
    time_major: bool
    cell_clip: float      # 0: no clipping


def prepare(g: Graph, op: Operator) -> None:
    require_standard(g, op)
    clip = op.options["cell_clip"]
    require(math.isfinite(clip), op, f"cell_clip {clip} is not finite")
    batches, steps, n_input, n_state = sizes(g, op)
    op.params = FloatLstmParams(batches, steps, n_input, n_state, op.options["time_major"],
                                clip if clip > 0 else 0.0)      # TFLM clips when cell_clip > 0


def emit(ctx, op: Operator) -> None:
    p = op.params
    ptr = ctx.ptr
    ctx.call("te_unidirectional_sequence_lstm_f32", ptr(op.inputs[INPUT]),
             *(ptr(op.inputs[i]) for i in IN_WEIGHTS + REC_WEIGHTS + BIASES),
             ptr(op.inputs[HIDDEN_STATE]), ptr(op.inputs[CELL_STATE]), ptr(op.outputs[0]),
             p.batches, p.steps, p.n_input, p.n_state, int(p.time_major),
             flit(p.cell_clip))


register(OpDef(name="UNIDIRECTIONAL_SEQUENCE_LSTM", stem="unidirectional_sequence_lstm",
               dtype="float32", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("unidirectional_sequence_lstm_f32",), macs=macs, signature=SIGNATURE,
               check=check_shapes))
